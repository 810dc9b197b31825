SELECT version FROM {db:Identifier}.hindsight_schema_migrations
