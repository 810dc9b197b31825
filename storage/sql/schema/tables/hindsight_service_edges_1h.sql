-- The per-minute edges rolled up by the hour (migration 10), so a day-long map adds 24 rows per
-- edge instead of 1,440. The edge job writes an hour once it has covered all of its minutes, and
-- rewrites it when late spans change one of them: not a view, whose rows a minute's
-- recomputation (delete, then insert) would count twice. Latency is the log-bucket histogram
-- (LatencyHistogram of the per-minute table), not its t-digest: digests of an hour hold every
-- duration of it and cost as much to merge as the minutes they came from.
CREATE TABLE IF NOT EXISTS {db:Identifier}.{table:Identifier} /*optional onCluster*/
(
    Hour DateTime CODEC(Delta, ZSTD(1)),
    Parent LowCardinality(String),
    Child LowCardinality(String),
    Kind LowCardinality(String),
    Calls SimpleAggregateFunction(sum, UInt64),
    Errors SimpleAggregateFunction(sum, UInt64),
    LatencyHistogram SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(1))
)
ENGINE = /*choice engine*/
PARTITION BY toYYYYMM(Hour)
ORDER BY (Hour, Parent, Child, Kind)
TTL /*include ttl*/
SETTINGS index_granularity = 8192
