-- one node
CREATE TABLE IF NOT EXISTS otel.hindsight_late_arrivals
(
    Minute DateTime CODEC(Delta, ZSTD(1)),
    Arrived DateTime CODEC(Delta, ZSTD(1))
)
ENGINE = ReplacingMergeTree
PARTITION BY toDate(Arrived)
ORDER BY (Arrived, Minute)
TTL Arrived + toIntervalDay(7)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

-- a cluster
CREATE TABLE IF NOT EXISTS otel.hindsight_late_arrivals_local ON CLUSTER hindsight
(
    Minute DateTime CODEC(Delta, ZSTD(1)),
    Arrived DateTime CODEC(Delta, ZSTD(1))
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/otel/hindsight_late_arrivals_local', '{replica}')
PARTITION BY toDate(Arrived)
ORDER BY (Arrived, Minute)
TTL Arrived + toIntervalDay(7)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;
