-- one node
CREATE TABLE IF NOT EXISTS otel.hindsight_service_edges_1m
(
    Minute DateTime CODEC(Delta, ZSTD(1)),
    Parent LowCardinality(String),
    Child LowCardinality(String),
    Kind LowCardinality(String),
    Calls SimpleAggregateFunction(sum, UInt64),
    Errors SimpleAggregateFunction(sum, UInt64),
    Latency AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(Minute)
ORDER BY (Minute, Parent, Child, Kind)
TTL Minute + toIntervalDay(7)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

-- a cluster
CREATE TABLE IF NOT EXISTS otel.hindsight_service_edges_1m_local ON CLUSTER hindsight
(
    Minute DateTime CODEC(Delta, ZSTD(1)),
    Parent LowCardinality(String),
    Child LowCardinality(String),
    Kind LowCardinality(String),
    Calls SimpleAggregateFunction(sum, UInt64),
    Errors SimpleAggregateFunction(sum, UInt64),
    Latency AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt64)
)
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/otel/hindsight_service_edges_1m_local', '{replica}')
PARTITION BY toDate(Minute)
ORDER BY (Minute, Parent, Child, Kind)
TTL Minute + toIntervalDay(7)
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;
