-- The tables' definitions as the engine holds them, to compare their TTLs with the configured retention.
SELECT name, engine_full FROM system.tables WHERE database = {db:String} AND name IN {names:Array(String)}
