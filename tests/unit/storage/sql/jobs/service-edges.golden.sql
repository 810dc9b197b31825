-- parameters: {"parentFrom":1699996440,"to":1700003640,"from":1700000040}
INSERT INTO otel.hindsight_service_edges_1m (Minute, Parent, Child, Kind, Calls, Errors, LatencyHistogram)
SELECT toStartOfMinute(c.Timestamp) AS Minute, p.ServiceName AS Parent, c.ServiceName AS Child, 'service' AS Kind,
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
GROUP BY Minute, Parent, Child;
