-- one node
CREATE TABLE IF NOT EXISTS otel.hindsight_schema_migrations
(
    version UInt32,
    name String,
    applied_at DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree
ORDER BY version;

-- a cluster
CREATE TABLE IF NOT EXISTS otel.hindsight_schema_migrations ON CLUSTER hindsight
(
    version UInt32,
    name String,
    applied_at DateTime DEFAULT now()
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/global/otel/hindsight_schema_migrations', '{shard}-{replica}')
ORDER BY version;
