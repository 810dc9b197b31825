-- seven days
-- parameters: {"baseStartNs":"1699395200000000000","endNs":"1700003600000000000","exactFromNs":"1700000000000000000","minSamples":50}
WITH toStartOfMinute(fromUnixTimestamp64Nano({baseStartNs:Int64})) AS first,
     fromUnixTimestamp64Nano({endNs:Int64}) AS last,
     if(toStartOfHour(first) = first, first, toStartOfHour(first) + INTERVAL 1 HOUR) AS firstHour,
     toStartOfHour(least(last, fromUnixTimestamp64Nano({exactFromNs:Int64}))) AS lastHour
SELECT service, operation, sum(calls) AS samples, sum(errors) AS errors, mapKeys(sumMap(latency)) AS buckets, mapValues(sumMap(latency)) AS counts,
       mapKeys(sumMap(weighted)) AS traceBuckets, mapValues(sumMap(weighted)) AS traceCounts, toString(toUnixTimestamp(min(at))) AS since
FROM (
  SELECT ServiceName AS service, SpanName AS operation, Calls AS calls, Errors AS errors, Latency AS latency,
         if(empty(TraceLatency), mapApply((b, n) -> (b, toFloat64(n)), Latency), TraceLatency) AS weighted, Hour AS at
  FROM otel.hindsight_operations_1h WHERE Hour >= firstHour AND Hour < lastHour
  UNION ALL
  SELECT ServiceName, SpanName, Calls, Errors, Latency, if(empty(TraceLatency), mapApply((b, n) -> (b, toFloat64(n)), Latency), TraceLatency), Minute
  FROM otel.hindsight_operations_1m WHERE Minute >= first AND Minute <= last AND NOT (Minute >= firstHour AND Minute < lastHour)
)
GROUP BY service, operation HAVING samples >= {minSamples:UInt32};
