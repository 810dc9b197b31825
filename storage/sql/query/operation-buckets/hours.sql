-- The same as minutes.sql per bucket of whole hours, from the hourly rollup.
SELECT ServiceName AS service, SpanName AS operation, toUInt32(toUnixTimestamp(toStartOfInterval(Hour, toIntervalSecond({bucket:UInt32})))) AS t,
       sum(Calls) AS calls, sum(Errors) AS errors, sumMap(Latency) AS latency, argMaxMerge(Slowest) AS slowest
FROM {db:Identifier}.hindsight_operations_1h
WHERE Hour >= toStartOfHour(fromUnixTimestamp64Nano({startNs:Int64})) AND Hour <= fromUnixTimestamp64Nano({endNs:Int64})
GROUP BY service, operation, t
