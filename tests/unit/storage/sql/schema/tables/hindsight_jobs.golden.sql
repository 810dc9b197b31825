-- one node
CREATE TABLE IF NOT EXISTS otel.hindsight_jobs
(
    Name String,
    Watermark DateTime,
    UpdatedAt DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree(UpdatedAt)
ORDER BY Name;

-- a cluster
CREATE TABLE IF NOT EXISTS otel.hindsight_jobs ON CLUSTER hindsight
(
    Name String,
    Watermark DateTime,
    UpdatedAt DateTime DEFAULT now()
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/global/otel/hindsight_jobs', '{shard}-{replica}', UpdatedAt)
ORDER BY Name;
