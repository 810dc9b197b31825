-- service edges
-- parameters: {"parentFrom":1699999980,"to":1700003641,"from":1700003580}
SELECT Parent AS parent, Child AS child, Kind AS kind, sum(Calls) AS calls, sum(Errors) AS errors,
       mapKeys(sumMap(LatencyHistogram)) AS buckets, mapValues(sumMap(LatencyHistogram)) AS counts
FROM (SELECT toStartOfMinute(c.Timestamp) AS Minute, p.ServiceName AS Parent, c.ServiceName AS Child, 'service' AS Kind,
       count() AS Calls, countIf(c.StatusCode = 'Error') AS Errors, sumMap(map(toUInt16(floor(8 * log2(greatest(c.Duration, 1)))), toUInt64(1))) AS LatencyHistogram
FROM otel.otel_traces AS c
INNER JOIN (
    SELECT TraceId, SpanId, ServiceName, SpanKind FROM otel.otel_traces
    WHERE Timestamp >= toDateTime({parentFrom:UInt32}) AND Timestamp < toDateTime({to:UInt32})
      AND TraceId IN (
          SELECT TraceId FROM otel.otel_traces
          WHERE Timestamp >= toDateTime({from:UInt32}) AND Timestamp < toDateTime({to:UInt32}) AND ParentSpanId != '')
) AS p ON c.TraceId = p.TraceId AND c.ParentSpanId = p.SpanId
WHERE c.Timestamp >= toDateTime({from:UInt32}) AND c.Timestamp < toDateTime({to:UInt32})
  AND c.ParentSpanId != '' AND p.ServiceName != c.ServiceName
  AND NOT (p.SpanKind = 'Producer' AND c.SpanKind = 'Consumer' AND c.SpanAttributes['messaging.system'] != '')
GROUP BY Minute, Parent, Child)
GROUP BY Parent, Child, Kind;

-- external peers
-- parameters: {"from":1700003580,"to":1700003641,"childTo":1700003941}
SELECT Parent AS parent, Child AS child, Kind AS kind, sum(Calls) AS calls, sum(Errors) AS errors,
       mapKeys(sumMap(LatencyHistogram)) AS buckets, mapValues(sumMap(LatencyHistogram)) AS counts
FROM (SELECT toStartOfMinute(Timestamp) AS Minute, ServiceName AS Parent, Child, 'external' AS Kind,
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
GROUP BY Minute, Parent, Child)
GROUP BY Parent, Child, Kind;

-- broker edges
-- parameters: {"from":1700003580,"to":1700003641,"parentFrom":1699999980}
SELECT Parent AS parent, Child AS child, Kind AS kind, sum(Calls) AS calls, sum(Errors) AS errors,
       mapKeys(sumMap(LatencyHistogram)) AS buckets, mapValues(sumMap(LatencyHistogram)) AS counts
FROM (SELECT toStartOfMinute(Timestamp) AS Minute, Broker AS Parent, ServiceName AS Child, 'messaging' AS Kind,
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
GROUP BY Minute, Parent, Child)
GROUP BY Parent, Child, Kind;
