-- Per operation and bucket of whole minutes, from a rollup whose rows fit the bucket (per minute,
-- or per five minutes for buckets of 5 and 15): calls, errors, the summed latency histogram and
-- the slowest span's (trace id, duration).
SELECT ServiceName AS service, SpanName AS operation, toUInt32(toUnixTimestamp(toStartOfInterval(Minute, toIntervalSecond({bucket:UInt32})))) AS t,
       sum(Calls) AS calls, sum(Errors) AS errors, sumMap(Latency) AS latency, argMaxMerge(Slowest) AS slowest
FROM {db:Identifier}.{rollup:Identifier}
WHERE Minute >= toStartOfMinute(fromUnixTimestamp64Nano({startNs:Int64})) AND Minute <= fromUnixTimestamp64Nano({endNs:Int64})
GROUP BY service, operation, t
