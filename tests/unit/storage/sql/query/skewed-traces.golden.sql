-- parameters: {"traceIds":["5b8efff798038103d269b633813fc60c","0af7651916cd43dd8448eb211c80319c"],"startNs":"1700000000000000000","endNs":"1700003600000000000"}
SELECT DISTINCT c.TraceId AS traceId
FROM otel.otel_traces AS c
INNER JOIN (
    SELECT TraceId, SpanId, ServiceName, Timestamp, Duration FROM otel.otel_traces
    WHERE TraceId IN {traceIds:Array(String)} AND Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
) AS p ON c.TraceId = p.TraceId AND c.ParentSpanId = p.SpanId
WHERE c.TraceId IN {traceIds:Array(String)}
  AND c.Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND c.Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
  AND c.SpanKind = 'Server' AND c.ServiceName != p.ServiceName
  AND (c.Timestamp < p.Timestamp OR toUnixTimestamp64Nano(c.Timestamp) + c.Duration > toUnixTimestamp64Nano(p.Timestamp) + p.Duration);
