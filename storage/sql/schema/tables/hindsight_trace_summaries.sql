-- One row per trace once merged: what search lists and sorts, aggregated across the inserts that
-- brought the trace's spans, so a search reads a row per trace instead of grouping spans.
-- Bucket is the hour of the earliest span a row was made from: the sort key leads with it so a
-- search reads the newest hours first and stops at its limit. The spans of one trace almost always
-- share an hour; rows of a trace that straddles one are merged when read (GROUP BY TraceId).
-- Root is the root span (NotRoot = 0), or the earliest span when the root is missing. Keys hashes
-- what a search filters traces by (each service, operation, and service with operation; see the
-- view's SELECT), so the filter compares integers and a bloom filter skips the granules without it.
-- Partitioned by month, not by day like the spans: an insert whose spans cover many days (an
-- import, or a client sending 130 days at once) makes a part per partition of every view's table,
-- and would otherwise multiply the parts to merge. Expired rows are removed by TTL merges.
CREATE TABLE IF NOT EXISTS {db:Identifier}.{table:Identifier} /*optional onCluster*/
(
    Bucket DateTime CODEC(Delta, ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    Start SimpleAggregateFunction(min, DateTime64(9)) CODEC(Delta, ZSTD(1)),
    End SimpleAggregateFunction(max, DateTime64(9)) CODEC(Delta, ZSTD(1)),
    Spans SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)),
    Errors SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)),
    Root SimpleAggregateFunction(min, Tuple(NotRoot UInt8, Start DateTime64(9), Service String, Operation String)) CODEC(ZSTD(1)),
    ServiceSpans SimpleAggregateFunction(sumMap, Map(String, UInt64)) CODEC(ZSTD(1)),
    Keys SimpleAggregateFunction(groupUniqArrayArray, Array(UInt64)) CODEC(ZSTD(1)),
    INDEX idx_keys Keys TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = /*choice engine*/
PARTITION BY toYYYYMM(Bucket)
ORDER BY (Bucket, TraceId)
TTL /*include ttl*/
SETTINGS index_granularity = 8192
