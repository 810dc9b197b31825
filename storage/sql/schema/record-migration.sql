INSERT INTO {db:Identifier}.hindsight_schema_migrations (version, name) SELECT {version:UInt32}, {name:String}
