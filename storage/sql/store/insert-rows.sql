-- The write path's one INSERT, on a ClickHouse server; the rows follow in the request body.
-- Embedded chDB reads the same blocks from a scratch file (insert-native-file.sql).
INSERT INTO {db:Identifier}.{table:Identifier} ({columns:Array(Identifier)}) FORMAT Native
