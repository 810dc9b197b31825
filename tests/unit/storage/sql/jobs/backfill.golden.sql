-- an hour of trace summaries
INSERT INTO otel.hindsight_trace_summaries WITH countIf(ParentSpanId = '') AS roots, groupArray(ServiceName) AS services
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
FROM otel.otel_traces
WHERE TraceId != '' AND Timestamp >= toDateTime64(1700000000, 9) AND Timestamp < toDateTime64(1700003600, 9)
GROUP BY TraceId;
