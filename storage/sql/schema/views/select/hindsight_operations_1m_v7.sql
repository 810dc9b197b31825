-- Migration 7's per-minute rollup, as it created its view: per (minute, service, operation, kind) of one
-- insert. Migration 8 replaces the view's query with hindsight_operations_1m.sql, which adds the
-- per-trace weighted histogram; this one stays only so that a fresh store runs migration 7 as written.
SELECT
    toStartOfMinute(Timestamp) AS Minute,
    ServiceName,
    SpanName,
    SpanKind,
    count() AS Calls,
    countIf(StatusCode = 'Error') AS Errors,
    sumMap(map(toUInt16(floor(8 * log2(greatest(Duration, 1)))), toUInt64(1))) AS Latency,
    argMaxState((TraceId, Duration), Duration) AS Slowest
FROM {db:Identifier}.{source:Identifier}
WHERE true /*optional since*/ /*optional hours*/
GROUP BY Minute, ServiceName, SpanName, SpanKind
