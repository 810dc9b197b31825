-- two buckets
-- parameters: {"bucket":900,"startNs":"1700000000000000000","endNs":"1700003600000000000","services":["checkout","cart"],"operations":["POST /checkout","GET /cart"],"ts":[1700000100,1700001000]}
SELECT service, operation, t, mapKeys(latency) AS buckets, mapValues(latency) AS counts, slowest
FROM (SELECT ServiceName AS service, SpanName AS operation, toUInt32(toUnixTimestamp(toStartOfInterval(Minute, toIntervalSecond({bucket:UInt32})))) AS t,
       sum(Calls) AS calls, sum(Errors) AS errors, sumMap(Latency) AS latency, argMaxMerge(Slowest) AS slowest
FROM otel.hindsight_operations_5m
WHERE Minute >= toStartOfMinute(fromUnixTimestamp64Nano({startNs:Int64})) AND Minute <= fromUnixTimestamp64Nano({endNs:Int64})
GROUP BY service, operation, t)
WHERE (service, operation, t) IN arrayZip({services:Array(String)}, {operations:Array(String)}, {ts:Array(UInt32)});
