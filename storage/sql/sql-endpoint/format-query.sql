-- ClickHouse's parser reads the user's text: a syntax error or a second statement fails here.
SELECT formatQuery({q:String}) AS sql
