-- parameters: {"from":1700000040,"to":1700003640,"childTo":1700003940}
INSERT INTO otel.hindsight_service_edges_1m (Minute, Parent, Child, Kind, Calls, Errors, Latency)
SELECT toStartOfMinute(Timestamp) AS Minute, ServiceName AS Parent,
       multiIf(SpanAttributes['peer.service'] != '', SpanAttributes['peer.service'],
               SpanAttributes['db.system'] != '', concat(SpanAttributes['db.system'], if(SpanAttributes['db.name'] != '', concat(' ', SpanAttributes['db.name']), '')),
               SpanAttributes['server.address']) AS Child,
       'external' AS Kind,
       count() AS Calls, countIf(StatusCode = 'Error') AS Errors, quantilesTDigestState(0.5, 0.95, 0.99)(Duration) AS Latency
FROM otel.otel_traces
WHERE Timestamp >= toDateTime({from:UInt32}) AND Timestamp < toDateTime({to:UInt32})
  AND SpanKind IN ('Client', 'Producer') AND Child != ''
  AND (TraceId, SpanId) NOT IN (
      SELECT c.TraceId, c.ParentSpanId FROM otel.otel_traces AS c
      WHERE c.Timestamp >= toDateTime({from:UInt32}) AND c.Timestamp < toDateTime({childTo:UInt32}) AND c.ParentSpanId != ''
        AND c.SpanKind IN ('Server', 'Consumer'))
GROUP BY Minute, Parent, Child;
