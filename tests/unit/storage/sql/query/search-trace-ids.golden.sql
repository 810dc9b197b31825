-- a Jaeger tag and a service
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","service":"checkout","attrKey0":"http.status_code","attrValue0":"500","limit":20}
SELECT TraceId FROM otel.otel_traces
WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND ServiceName = {service:String} AND ((mapContains(SpanAttributes, {attrKey0:String}) AND SpanAttributes[{attrKey0:String}] = {attrValue0:String}) OR (mapContains(ResourceAttributes, {attrKey0:String}) AND ResourceAttributes[{attrKey0:String}] = {attrValue0:String}) OR arrayExists(a -> mapContains(a, {attrKey0:String}) AND a[{attrKey0:String}] = {attrValue0:String}, Events.Attributes))
GROUP BY TraceId ORDER BY max(Timestamp) DESC LIMIT {limit:UInt32};
