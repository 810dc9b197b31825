-- minutes
-- parameters: {"bucket":60,"startNs":"1700000000000000000","endNs":"1700003600000000000"}
SELECT service, operation,
       arraySort(w -> w.1, groupArray((t, toFloat64(calls), toFloat64(errors), p50, p95, toFloat64(slowest.2)))) AS windows,
       mapKeys(sumMap(latency)) AS buckets, mapValues(sumMap(latency)) AS counts
FROM (
  SELECT *, mapKeys(latency) AS b, mapValues(latency) AS c, arrayCumSum(c) AS seen, seen[-1] AS n,
         arrayFirstIndex(s -> s >= 0.5 * n, seen) AS i50, arrayFirstIndex(s -> s >= 0.95 * n, seen) AS i95,
         exp2((b[i50] + (0.5 * n - seen[i50] + c[i50]) / c[i50]) / 8) AS p50,
         exp2((b[i95] + (0.95 * n - seen[i95] + c[i95]) / c[i95]) / 8) AS p95
  FROM (SELECT ServiceName AS service, SpanName AS operation, toUInt32(toUnixTimestamp(toStartOfInterval(Minute, toIntervalSecond({bucket:UInt32})))) AS t,
       sum(Calls) AS calls, sum(Errors) AS errors, sumMap(Latency) AS latency, argMaxMerge(Slowest) AS slowest
FROM otel.hindsight_operations_1m
WHERE Minute >= toStartOfMinute(fromUnixTimestamp64Nano({startNs:Int64})) AND Minute <= fromUnixTimestamp64Nano({endNs:Int64})
GROUP BY service, operation, t)
)
GROUP BY service, operation ORDER BY service, operation;

-- fifteen minutes
-- parameters: {"bucket":900,"startNs":"1700000000000000000","endNs":"1700003600000000000"}
SELECT service, operation,
       arraySort(w -> w.1, groupArray((t, toFloat64(calls), toFloat64(errors), p50, p95, toFloat64(slowest.2)))) AS windows,
       mapKeys(sumMap(latency)) AS buckets, mapValues(sumMap(latency)) AS counts
FROM (
  SELECT *, mapKeys(latency) AS b, mapValues(latency) AS c, arrayCumSum(c) AS seen, seen[-1] AS n,
         arrayFirstIndex(s -> s >= 0.5 * n, seen) AS i50, arrayFirstIndex(s -> s >= 0.95 * n, seen) AS i95,
         exp2((b[i50] + (0.5 * n - seen[i50] + c[i50]) / c[i50]) / 8) AS p50,
         exp2((b[i95] + (0.95 * n - seen[i95] + c[i95]) / c[i95]) / 8) AS p95
  FROM (SELECT ServiceName AS service, SpanName AS operation, toUInt32(toUnixTimestamp(toStartOfInterval(Minute, toIntervalSecond({bucket:UInt32})))) AS t,
       sum(Calls) AS calls, sum(Errors) AS errors, sumMap(Latency) AS latency, argMaxMerge(Slowest) AS slowest
FROM otel.hindsight_operations_5m
WHERE Minute >= toStartOfMinute(fromUnixTimestamp64Nano({startNs:Int64})) AND Minute <= fromUnixTimestamp64Nano({endNs:Int64})
GROUP BY service, operation, t)
)
GROUP BY service, operation ORDER BY service, operation;

-- hours
-- parameters: {"bucket":3600,"startNs":"1700000000000000000","endNs":"1700003600000000000"}
SELECT service, operation,
       arraySort(w -> w.1, groupArray((t, toFloat64(calls), toFloat64(errors), p50, p95, toFloat64(slowest.2)))) AS windows,
       mapKeys(sumMap(latency)) AS buckets, mapValues(sumMap(latency)) AS counts
FROM (
  SELECT *, mapKeys(latency) AS b, mapValues(latency) AS c, arrayCumSum(c) AS seen, seen[-1] AS n,
         arrayFirstIndex(s -> s >= 0.5 * n, seen) AS i50, arrayFirstIndex(s -> s >= 0.95 * n, seen) AS i95,
         exp2((b[i50] + (0.5 * n - seen[i50] + c[i50]) / c[i50]) / 8) AS p50,
         exp2((b[i95] + (0.95 * n - seen[i95] + c[i95]) / c[i95]) / 8) AS p95
  FROM (SELECT ServiceName AS service, SpanName AS operation, toUInt32(toUnixTimestamp(toStartOfInterval(Hour, toIntervalSecond({bucket:UInt32})))) AS t,
       sum(Calls) AS calls, sum(Errors) AS errors, sumMap(Latency) AS latency, argMaxMerge(Slowest) AS slowest
FROM otel.hindsight_operations_1h
WHERE Hour >= toStartOfHour(fromUnixTimestamp64Nano({startNs:Int64})) AND Hour <= fromUnixTimestamp64Nano({endNs:Int64})
GROUP BY service, operation, t)
)
GROUP BY service, operation ORDER BY service, operation;
