-- The write path's one INSERT on embedded chDB: a batch's Native blocks, written to a
-- private scratch file (storage/scratch.ts), read with no text parse.
INSERT INTO {db:Identifier}.{table:Identifier} ({columns:Array(Identifier)}) SELECT * FROM file({file:String}, Native)
