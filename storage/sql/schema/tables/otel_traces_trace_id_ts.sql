-- Trace id -> time range, for lookups by id. Unlike the clickhouseexporter's, it aggregates
-- (min Start, max End), so each trace converges to one row instead of one per insert.
CREATE TABLE IF NOT EXISTS {db:Identifier}.{table:Identifier} /*optional onCluster*/
(
    TraceId String CODEC(ZSTD(1)),
    Start SimpleAggregateFunction(min, DateTime) CODEC(Delta, ZSTD(1)),
    End SimpleAggregateFunction(max, DateTime) CODEC(Delta, ZSTD(1)),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = /*choice engine*/
PARTITION BY toDate(Start)
ORDER BY TraceId
TTL /*include ttl*/
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1
