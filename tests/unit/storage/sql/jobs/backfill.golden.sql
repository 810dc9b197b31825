-- an hour of trace summaries
INSERT INTO otel.hindsight_trace_summaries SELECT
    toStartOfHour(min(Timestamp)) AS Bucket,
    TraceId,
    min(Timestamp) AS Start,
    fromUnixTimestamp64Nano(max(toUnixTimestamp64Nano(Timestamp) + toInt64(Duration))) AS End,
    count() AS Spans,
    countIf(StatusCode = 'Error') AS Errors,
    min((toUInt8(ParentSpanId != ''), Timestamp, toString(ServiceName), toString(SpanName))) AS Root,
    sumMap(map(toString(ServiceName), toUInt64(1))) AS ServiceSpans,
    groupUniqArrayArray([cityHash64('service', ServiceName), cityHash64('operation', SpanName), cityHash64('pair', ServiceName, SpanName)]) AS Keys
FROM otel.otel_traces
WHERE TraceId != '' AND Timestamp >= toDateTime64(1700000000, 9) AND Timestamp < toDateTime64(1700003600, 9)
GROUP BY TraceId;
