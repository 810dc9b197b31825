-- Migration 8's per-minute rollup, as it set its view's query: with the per-trace weighted histogram,
-- before the root span counts. Migration 9 replaces the view's query with hindsight_operations_1m.sql;
-- this one stays only so that a fresh store runs migration 8 as written.
SELECT
    Minute,
    ServiceName,
    SpanName,
    SpanKind,
    sum(n) AS Calls,
    sum(e) AS Errors,
    sumMap(m) AS Latency,
    sumMap(mapApply((bucket, count) -> (bucket, count / n), m)) AS TraceLatency,
    argMaxState((TraceId, slowest), slowest) AS Slowest
FROM (
    SELECT
        toStartOfMinute(Timestamp) AS Minute,
        ServiceName,
        SpanName,
        SpanKind,
        TraceId,
        count() AS n,
        countIf(StatusCode = 'Error') AS e,
        sumMap(map(toUInt16(floor(8 * log2(greatest(Duration, 1)))), toUInt64(1))) AS m,
        max(Duration) AS slowest
    FROM {db:Identifier}.{source:Identifier}
    WHERE true /*optional since*/ /*optional hours*/
    GROUP BY Minute, ServiceName, SpanName, SpanKind, TraceId
)
GROUP BY Minute, ServiceName, SpanName, SpanKind
