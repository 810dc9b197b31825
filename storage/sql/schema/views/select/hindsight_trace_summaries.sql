-- A trace's summary from the spans of one insert (the view) or of one backfilled hour. End is
-- computed in Int64 nanoseconds, which wrap rather than throw: the view must never fail the insert
-- it rides on. Root's first element sorts the root span (no parent) before every other span. Keys:
-- cityHash64('service', service), cityHash64('operation', name), cityHash64('pair', service, name);
-- the search filters (storage/sql/query/filters/trace-*.sql) hash the same way.
SELECT
    toStartOfHour(min(Timestamp)) AS Bucket,
    TraceId,
    min(Timestamp) AS Start,
    fromUnixTimestamp64Nano(max(toUnixTimestamp64Nano(Timestamp) + toInt64(Duration))) AS End,
    count() AS Spans,
    countIf(StatusCode = 'Error') AS Errors,
    min((toUInt8(ParentSpanId != ''), Timestamp, toString(ServiceName), toString(SpanName))) AS Root,
    sumMap(map(toString(ServiceName), toUInt64(1))) AS ServiceSpans,
    groupUniqArrayArray([cityHash64('service', ServiceName), cityHash64('operation', SpanName), cityHash64('pair', ServiceName, SpanName)]) AS Keys
FROM {db:Identifier}.{source:Identifier}
WHERE TraceId != '' /*optional since*/ /*optional hours*/
GROUP BY TraceId
