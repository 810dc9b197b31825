-- The write path's one INSERT, on a ClickHouse server; the rows follow in the request body.
-- Embedded chDB takes the same rows through its raw insert instead.
INSERT INTO {db:Identifier}.{table:Identifier} ({columns:Array(Identifier)}) FORMAT JSONCompactEachRow
