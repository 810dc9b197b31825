-- Hindsight's own table, beside the exporter schema: one row per (minute, parent, child) once
-- merged. Child is a service, or for uninstrumented downstreams the peer a client span names;
-- Kind tells which.
CREATE TABLE IF NOT EXISTS {db:Identifier}.{table:Identifier} /*optional onCluster*/
(
    Minute DateTime CODEC(Delta, ZSTD(1)),
    Parent LowCardinality(String),
    Child LowCardinality(String),
    Kind LowCardinality(String),
    Calls SimpleAggregateFunction(sum, UInt64),
    Errors SimpleAggregateFunction(sum, UInt64),
    Latency AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt64)
)
ENGINE = /*choice engine*/
PARTITION BY toDate(Minute)
ORDER BY (Minute, Parent, Child, Kind)
TTL /*include ttl*/
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1
