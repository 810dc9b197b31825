-- Per (minute, service, operation, kind) of one insert (the view) or of one backfilled hour. The
-- latency bucket is floor(8 * log2(Duration ns)); viewer/query/latency-histogram.ts reads it.
-- Roots and RootErrors count the root spans (no parent) among Calls, and those that failed (migration
-- 9): a service with no server or consumer spans, such as a batch job, is drawn on the dependency map
-- by its root spans. The columns are in the table's order, since the backfill inserts them by position.
-- TraceLatency is the same histogram with each trace weighing 1 in total: a trace's n spans of the
-- operation count 1/n each, so a batch trace of thousands of spans weighs no more than one request
-- in the anomaly baselines (a trace sent in k inserts weighs at most k). Its sum is the number of
-- traces. Grouping by trace first costs one more hash of the insert, not a second pass.
SELECT
    Minute,
    ServiceName,
    SpanName,
    SpanKind,
    sum(n) AS Calls,
    sum(e) AS Errors,
    sum(r) AS Roots,
    sum(re) AS RootErrors,
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
        countIf(ParentSpanId = '') AS r,
        countIf(ParentSpanId = '' AND StatusCode = 'Error') AS re,
        sumMap(map(toUInt16(floor(8 * log2(greatest(Duration, 1)))), toUInt64(1))) AS m,
        max(Duration) AS slowest
    FROM {db:Identifier}.{source:Identifier}
    WHERE true /*optional since*/ /*optional hours*/
    GROUP BY Minute, ServiceName, SpanName, SpanKind, TraceId
)
GROUP BY Minute, ServiceName, SpanName, SpanKind
