-- broker -> service: a CONSUMER span that names its broker (messaging.system, with the
-- destination) and whose parent or one of whose links is a PRODUCER span of another service,
-- started up to an hour before it ({parentFrom}). Counted once per consumer span, however many
-- producers it links to (a batch receive).
SELECT toStartOfMinute(Timestamp) AS Minute, Broker AS Parent, ServiceName AS Child, 'messaging' AS Kind,
       count() AS Calls, countIf(StatusCode = 'Error') AS Errors, sumMap(map(toUInt16(floor(8 * log2(greatest(Duration, 1)))), toUInt64(1))) AS LatencyHistogram
FROM (
    SELECT any(c.Timestamp) AS Timestamp, any(c.Broker) AS Broker, any(c.ServiceName) AS ServiceName,
           any(c.StatusCode) AS StatusCode, any(c.Duration) AS Duration
    FROM (
        SELECT TraceId, SpanId, ServiceName, StatusCode, Duration, Timestamp,
               if(SpanAttributes['messaging.destination.name'] != '', SpanAttributes['messaging.destination.name'], SpanAttributes['messaging.destination']) AS Destination,
               concat(SpanAttributes['messaging.system'], if(Destination != '', concat(' ', Destination), '')) AS Broker,
               Source.1 AS SourceTraceId, Source.2 AS SourceSpanId
        FROM {db:Identifier}.otel_traces
        ARRAY JOIN arrayPushFront(arrayZip(Links.TraceId, Links.SpanId), (TraceId, ParentSpanId)) AS Source
        WHERE Timestamp >= toDateTime({from:UInt32}) AND Timestamp < toDateTime({to:UInt32})
          AND SpanKind = 'Consumer' AND SpanAttributes['messaging.system'] != '' AND Source.2 != ''
    ) AS c
    INNER JOIN (
        SELECT TraceId, SpanId, ServiceName FROM {db:Identifier}.otel_traces
        WHERE Timestamp >= toDateTime({parentFrom:UInt32}) AND Timestamp < toDateTime({to:UInt32}) AND SpanKind = 'Producer'
    ) AS p ON c.SourceTraceId = p.TraceId AND c.SourceSpanId = p.SpanId
    WHERE p.ServiceName != c.ServiceName
    GROUP BY c.TraceId, c.SpanId
)
GROUP BY Minute, Parent, Child
