-- the service's requests
-- parameters: {"bucket":60,"service":"checkout","startNs":"1700000000000000000","endNs":"1700003600000000000"}
SELECT toString(toUnixTimestamp(toStartOfInterval(Minute, toIntervalSecond({bucket:UInt32})))) AS t,
       sum(Calls) AS calls, sum(Errors) AS errors, mapKeys(sumMap(Latency)) AS buckets, mapValues(sumMap(Latency)) AS counts
FROM otel.hindsight_operations_1m
WHERE ServiceName = {service:String} AND Minute >= toStartOfMinute(fromUnixTimestamp64Nano({startNs:Int64})) AND Minute <= fromUnixTimestamp64Nano({endNs:Int64})
  AND SpanKind IN ('Server', 'Consumer')
GROUP BY t ORDER BY t;

-- one operation
-- parameters: {"bucket":1800,"service":"checkout","startNs":"1700000000000000000","endNs":"1700003600000000000","operation":"GET /cart"}
SELECT toString(toUnixTimestamp(toStartOfInterval(Minute, toIntervalSecond({bucket:UInt32})))) AS t,
       sum(Calls) AS calls, sum(Errors) AS errors, mapKeys(sumMap(Latency)) AS buckets, mapValues(sumMap(Latency)) AS counts
FROM otel.hindsight_operations_1m
WHERE ServiceName = {service:String} AND Minute >= toStartOfMinute(fromUnixTimestamp64Nano({startNs:Int64})) AND Minute <= fromUnixTimestamp64Nano({endNs:Int64})
  AND SpanName = {operation:String}
GROUP BY t ORDER BY t;
