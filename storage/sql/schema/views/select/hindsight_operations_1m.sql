-- Per (minute, service, operation, kind) of one insert (the view) or of one backfilled hour. The
-- latency bucket is floor(8 * log2(Duration ns)); viewer/query/latency-histogram.ts reads it.
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
