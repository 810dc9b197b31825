-- Per (service, operation, span kind, minute) once merged: calls, errors, a latency histogram and the slowest
-- span's trace. RED, the services and operations lists, anomaly baselines and windows read it
-- instead of rescanning spans. Latency counts spans per log bucket, floor(8 * log2(Duration ns)):
-- eight buckets per doubling, so a quantile read from it is within 9% of the exact one, and
-- histograms of any minutes add up (sumMap). Slowest is (TraceId, Duration) of the slowest span.
-- Partitioned by month, not by day like the spans: an insert whose spans cover many days (an
-- import, or a client sending 130 days at once) makes a part per partition of every view's table,
-- and would otherwise multiply the parts to merge. Expired rows are removed by TTL merges.
CREATE TABLE IF NOT EXISTS {db:Identifier}.{table:Identifier} /*optional onCluster*/
(
    Minute DateTime CODEC(Delta, ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    SpanName LowCardinality(String) CODEC(ZSTD(1)),
    SpanKind LowCardinality(String) CODEC(ZSTD(1)),
    Calls SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)),
    Errors SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)),
    Latency SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(1)),
    Slowest AggregateFunction(argMax, Tuple(String, UInt64), UInt64) CODEC(ZSTD(1))
)
ENGINE = /*choice engine*/
PARTITION BY toYYYYMM(Minute)
ORDER BY (ServiceName, SpanName, SpanKind, Minute)
TTL /*include ttl*/
SETTINGS index_granularity = 8192
