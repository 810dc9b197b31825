SELECT version FROM otel.hindsight_schema_migrations;
