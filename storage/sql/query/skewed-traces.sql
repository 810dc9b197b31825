-- Of the listed traces, those with a server span of another service than its parent's that
-- starts before the parent or ends after it: the traces whose times the trace model adjusts for
-- clock skew (viewer/model/clock-skew.ts). Only those are read whole, to correct the search list.
SELECT DISTINCT c.TraceId AS traceId
FROM {db:Identifier}.otel_traces AS c
INNER JOIN (
    SELECT TraceId, SpanId, ServiceName, Timestamp, Duration FROM {db:Identifier}.otel_traces
    WHERE TraceId IN {traceIds:Array(String)} AND /*include range*/
) AS p ON c.TraceId = p.TraceId AND c.ParentSpanId = p.SpanId
WHERE c.TraceId IN {traceIds:Array(String)}
  AND c.Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND c.Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
  AND c.SpanKind = 'Server' AND c.ServiceName != p.ServiceName
  AND (c.Timestamp < p.Timestamp OR toUnixTimestamp64Nano(c.Timestamp) + c.Duration > toUnixTimestamp64Nano(p.Timestamp) + p.Duration)
