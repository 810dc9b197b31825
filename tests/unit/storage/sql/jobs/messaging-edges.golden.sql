-- parameters: {"from":1700000040,"to":1700003640,"parentFrom":1699996440}
INSERT INTO otel.hindsight_service_edges_1m (Minute, Parent, Child, Kind, Calls, Errors, LatencyHistogram)
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
        FROM otel.otel_traces
        ARRAY JOIN arrayPushFront(arrayZip(Links.TraceId, Links.SpanId), (TraceId, ParentSpanId)) AS Source
        WHERE Timestamp >= toDateTime({from:UInt32}) AND Timestamp < toDateTime({to:UInt32})
          AND SpanKind = 'Consumer' AND SpanAttributes['messaging.system'] != '' AND Source.2 != ''
    ) AS c
    INNER JOIN (
        SELECT TraceId, SpanId, ServiceName FROM otel.otel_traces
        WHERE Timestamp >= toDateTime({parentFrom:UInt32}) AND Timestamp < toDateTime({to:UInt32}) AND SpanKind = 'Producer'
    ) AS p ON c.SourceTraceId = p.TraceId AND c.SourceSpanId = p.SpanId
    WHERE p.ServiceName != c.ServiceName
    GROUP BY c.TraceId, c.SpanId
)
GROUP BY Minute, Parent, Child;
