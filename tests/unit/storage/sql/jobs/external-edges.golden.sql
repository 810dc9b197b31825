-- parameters: {"from":1700000040,"to":1700003640,"childTo":1700003940}
INSERT INTO otel.hindsight_service_edges_1m (Minute, Parent, Child, Kind, Calls, Errors, LatencyHistogram)
SELECT toStartOfMinute(Timestamp) AS Minute, ServiceName AS Parent, Child, 'external' AS Kind,
       count() AS Calls, countIf(StatusCode = 'Error') AS Errors, sumMap(map(toUInt16(floor(8 * log2(greatest(Duration, 1)))), toUInt64(1))) AS LatencyHistogram
FROM (
    SELECT TraceId, SpanId, Timestamp, ServiceName, StatusCode, Duration,
           if(SpanAttributes['messaging.destination.name'] != '', SpanAttributes['messaging.destination.name'], SpanAttributes['messaging.destination']) AS Destination,
           SpanKind = 'Producer' AND SpanAttributes['messaging.system'] != '' AS ToBroker,
           multiIf(ToBroker, concat(SpanAttributes['messaging.system'], if(Destination != '', concat(' ', Destination), '')),
                   SpanAttributes['peer.service'] != '', SpanAttributes['peer.service'],
                   SpanAttributes['db.system'] != '', concat(SpanAttributes['db.system'], if(SpanAttributes['db.name'] != '', concat(' ', SpanAttributes['db.name']), '')),
                   SpanAttributes['server.address']) AS Child
    FROM otel.otel_traces
    WHERE Timestamp >= toDateTime({from:UInt32}) AND Timestamp < toDateTime({to:UInt32}) AND SpanKind IN ('Client', 'Producer')
)
WHERE Child != ''
  AND (ToBroker OR (TraceId, SpanId) NOT IN (
      SELECT c.TraceId, c.ParentSpanId FROM otel.otel_traces AS c
      WHERE c.Timestamp >= toDateTime({from:UInt32}) AND c.Timestamp < toDateTime({childTo:UInt32}) AND c.ParentSpanId != ''
        AND c.SpanKind IN ('Server', 'Consumer')))
GROUP BY Minute, Parent, Child;
