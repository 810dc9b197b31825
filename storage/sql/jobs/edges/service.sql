-- service -> service: a span whose parent is in another service. Parents may have started up
-- to an hour before the child ({parentFrom}); only the traces of the range's children are
-- read for them, so a few live minutes do not hash an hour of spans. A consumer child of a
-- producer, with a broker named, is left to the messaging edges (producer -> broker -> consumer).
SELECT toStartOfMinute(c.Timestamp) AS Minute, p.ServiceName AS Parent, c.ServiceName AS Child, 'service' AS Kind,
       count() AS Calls, countIf(c.StatusCode = 'Error') AS Errors, sumMap(map(toUInt16(floor(8 * log2(greatest(c.Duration, 1)))), toUInt64(1))) AS LatencyHistogram
FROM {db:Identifier}.otel_traces AS c
INNER JOIN (
    SELECT TraceId, SpanId, ServiceName, SpanKind FROM {db:Identifier}.otel_traces
    WHERE Timestamp >= toDateTime({parentFrom:UInt32}) AND Timestamp < toDateTime({to:UInt32})
      AND TraceId IN (
          SELECT TraceId FROM {db:Identifier}.otel_traces
          WHERE Timestamp >= toDateTime({from:UInt32}) AND Timestamp < toDateTime({to:UInt32}) AND ParentSpanId != '')
) AS p ON c.TraceId = p.TraceId AND c.ParentSpanId = p.SpanId
WHERE c.Timestamp >= toDateTime({from:UInt32}) AND c.Timestamp < toDateTime({to:UInt32})
  AND c.ParentSpanId != '' AND p.ServiceName != c.ServiceName
  AND NOT (p.SpanKind = 'Producer' AND c.SpanKind = 'Consumer' AND c.SpanAttributes['messaging.system'] != '')
GROUP BY Minute, Parent, Child
