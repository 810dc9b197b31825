-- A checked SELECT's columns, before its rows stream; it also fails early on a bad query.
DESCRIBE ({statement:Statement})
