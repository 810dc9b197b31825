-- service -> external peer: a CLIENT or PRODUCER span with no server or consumer child in the
-- minutes after it (up to childTo), named by peer.service, else db.system with db.name, else
-- server.address: the database or API that sends no spans of its own.
INSERT INTO {db:Identifier}.hindsight_service_edges_1m (Minute, Parent, Child, Kind, Calls, Errors, Latency)
SELECT toStartOfMinute(Timestamp) AS Minute, ServiceName AS Parent,
       multiIf(SpanAttributes['peer.service'] != '', SpanAttributes['peer.service'],
               SpanAttributes['db.system'] != '', concat(SpanAttributes['db.system'], if(SpanAttributes['db.name'] != '', concat(' ', SpanAttributes['db.name']), '')),
               SpanAttributes['server.address']) AS Child,
       'external' AS Kind,
       count() AS Calls, countIf(StatusCode = 'Error') AS Errors, quantilesTDigestState(0.5, 0.95, 0.99)(Duration) AS Latency
FROM {db:Identifier}.otel_traces
WHERE Timestamp >= toDateTime({from:UInt32}) AND Timestamp < toDateTime({to:UInt32})
  AND SpanKind IN ('Client', 'Producer') AND Child != ''
  AND (TraceId, SpanId) NOT IN (
      SELECT c.TraceId, c.ParentSpanId FROM {db:Identifier}.otel_traces AS c
      WHERE c.Timestamp >= toDateTime({from:UInt32}) AND c.Timestamp < toDateTime({childTo:UInt32}) AND c.ParentSpanId != ''
        AND c.SpanKind IN ('Server', 'Consumer'))
GROUP BY Minute, Parent, Child
