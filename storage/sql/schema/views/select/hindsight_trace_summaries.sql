-- A trace's summary from the spans of one insert (the view) or of one backfilled hour. End is
-- computed in Int64 nanoseconds, which wrap rather than throw: the view must never fail the insert
-- it rides on. Root's first element sorts the root span (no parent) before any other span; each
-- part of it is aggregated on its own, since comparing a tuple per span costs twice as much.
-- Keys: cityHash64('service', service), cityHash64('operation', name), cityHash64('pair', service,
-- name); the search filters (storage/sql/query/filters/trace-*.sql) hash the same way.
-- ServiceSpans counts each service's spans from the trace's list of them (cheaper than a map a span).
WITH countIf(ParentSpanId = '') AS roots, groupArray(ServiceName) AS services
SELECT
    toStartOfHour(min(Timestamp)) AS Bucket,
    TraceId,
    min(Timestamp) AS Start,
    fromUnixTimestamp64Nano(max(toUnixTimestamp64Nano(Timestamp) + toInt64(Duration))) AS End,
    count() AS Spans,
    countIf(StatusCode = 'Error') AS Errors,
    (
        toUInt8(roots = 0),
        if(roots > 0, minIf(Timestamp, ParentSpanId = ''), Start),
        toString(if(roots > 0, argMinIf(ServiceName, Timestamp, ParentSpanId = ''), argMin(ServiceName, Timestamp))),
        toString(if(roots > 0, argMinIf(SpanName, Timestamp, ParentSpanId = ''), argMin(SpanName, Timestamp)))
    ) AS Root,
    mapFromArrays(arrayMap(s -> toString(s), arrayDistinct(services)), arrayMap(s -> toUInt64(countEqual(services, s)), arrayDistinct(services))) AS ServiceSpans,
    arrayConcat(
        groupUniqArray(cityHash64('service', ServiceName)),
        groupUniqArray(cityHash64('operation', SpanName)),
        groupUniqArray(cityHash64('pair', ServiceName, SpanName))
    ) AS Keys
FROM {db:Identifier}.{source:Identifier}
WHERE TraceId != '' /*optional since*/ /*optional hours*/
GROUP BY TraceId
