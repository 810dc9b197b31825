-- hours
-- parameters: {"bucket":3600,"startNs":"1700000000000000000","endNs":"1700003600000000000"}
SELECT ServiceName AS service, SpanName AS operation,
       toString(toUnixTimestamp(toStartOfInterval(Hour, toIntervalSecond({bucket:UInt32})))) AS t,
       sum(Calls) AS calls, sum(Errors) AS errors, mapKeys(sumMap(Latency)) AS buckets, mapValues(sumMap(Latency)) AS counts, argMaxMerge(Slowest) AS slowest
FROM otel.hindsight_operations_1h
WHERE Hour >= toStartOfHour(fromUnixTimestamp64Nano({startNs:Int64})) AND Hour <= fromUnixTimestamp64Nano({endNs:Int64})
GROUP BY service, operation, t ORDER BY service, operation, t;
