-- service -> external peer: a CLIENT or PRODUCER span with no server or consumer child in the
-- minutes after it (up to childTo), named by peer.service, else db.system with db.name, else
-- server.address: the database or API that sends no spans of its own. A PRODUCER span that
-- names its broker (messaging.system, with the destination) goes to the broker whether or not
-- a consumer child follows: the messaging edges go on from the broker to the consumers.
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
    FROM {db:Identifier}.otel_traces
    WHERE Timestamp >= toDateTime({from:UInt32}) AND Timestamp < toDateTime({to:UInt32}) AND SpanKind IN ('Client', 'Producer')
)
WHERE Child != ''
  AND (ToBroker OR (TraceId, SpanId) NOT IN (
      SELECT c.TraceId, c.ParentSpanId FROM {db:Identifier}.otel_traces AS c
      WHERE c.Timestamp >= toDateTime({from:UInt32}) AND c.Timestamp < toDateTime({childTo:UInt32}) AND c.ParentSpanId != ''
        AND c.SpanKind IN ('Server', 'Consumer')))
GROUP BY Minute, Parent, Child
