-- minutes
-- parameters: {"bucket":60,"startNs":"1700000000000000000","endNs":"1700003600000000000"}
SELECT ServiceName AS service, SpanName AS operation,
       toString(toUnixTimestamp(toStartOfInterval(Minute, toIntervalSecond({bucket:UInt32})))) AS t,
       sum(Calls) AS calls, sum(Errors) AS errors, mapKeys(sumMap(Latency)) AS buckets, mapValues(sumMap(Latency)) AS counts, argMaxMerge(Slowest) AS slowest
FROM otel.hindsight_operations_1m
WHERE Minute >= toStartOfMinute(fromUnixTimestamp64Nano({startNs:Int64})) AND Minute <= fromUnixTimestamp64Nano({endNs:Int64})
GROUP BY service, operation, t ORDER BY service, operation, t;

-- fifteen minutes
-- parameters: {"bucket":900,"startNs":"1700000000000000000","endNs":"1700003600000000000"}
SELECT ServiceName AS service, SpanName AS operation,
       toString(toUnixTimestamp(toStartOfInterval(Minute, toIntervalSecond({bucket:UInt32})))) AS t,
       sum(Calls) AS calls, sum(Errors) AS errors, mapKeys(sumMap(Latency)) AS buckets, mapValues(sumMap(Latency)) AS counts, argMaxMerge(Slowest) AS slowest
FROM otel.hindsight_operations_5m
WHERE Minute >= toStartOfMinute(fromUnixTimestamp64Nano({startNs:Int64})) AND Minute <= fromUnixTimestamp64Nano({endNs:Int64})
GROUP BY service, operation, t ORDER BY service, operation, t;
