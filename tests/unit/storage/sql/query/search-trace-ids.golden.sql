-- a Jaeger tag and a service, in three reads
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","service":"checkout","leadKey":"http.status_code","leadValue":"500","limit":20}
SELECT TraceId FROM (SELECT TraceId, Timestamp FROM otel.otel_traces
WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND ServiceName = {service:String} AND mapContains(SpanAttributes, {leadKey:String}) AND SpanAttributes[{leadKey:String}] = {leadValue:String}
UNION ALL
SELECT TraceId, Timestamp FROM otel.otel_traces
WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND ServiceName = {service:String} AND mapContains(ResourceAttributes, {leadKey:String}) AND ResourceAttributes[{leadKey:String}] = {leadValue:String}
UNION ALL
SELECT TraceId, Timestamp FROM otel.otel_traces
WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND ServiceName = {service:String} AND arrayExists(a -> mapContains(a, {leadKey:String}) AND a[{leadKey:String}] = {leadValue:String}, Events.Attributes))
GROUP BY TraceId ORDER BY max(Timestamp) DESC LIMIT {limit:UInt32};
