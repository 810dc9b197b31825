-- Per (service, operation) over the baseline range, to the minute: the whole hours from the
-- hourly rollup, the minutes at either end from the per-minute one. The end's minutes reach back
-- to the hour holding {exactFromNs} (the range's end less the age under which a baseline is
-- young), so a young baseline's first minute is exact: from the hourly rollup alone, a baseline
-- begun ten minutes ago would date from the hour's start, up to 59 minutes too old. Spans, errors, their latency
-- histogram and the per-trace weighted one (each trace weighing 1; rows written before migration 8
-- have none, and count their spans instead), and the first minute with spans, for the baseline's
-- age. viewer/query/latency-histogram.ts reads the median and spread. A 7-day baseline reads 168
-- rows per operation, not 7 days of spans.
WITH toStartOfMinute(fromUnixTimestamp64Nano({baseStartNs:Int64})) AS first,
     fromUnixTimestamp64Nano({endNs:Int64}) AS last,
     if(toStartOfHour(first) = first, first, toStartOfHour(first) + INTERVAL 1 HOUR) AS firstHour,
     toStartOfHour(least(last, fromUnixTimestamp64Nano({exactFromNs:Int64}))) AS lastHour
SELECT service, operation, sum(calls) AS samples, sum(errors) AS errors, mapKeys(sumMap(latency)) AS buckets, mapValues(sumMap(latency)) AS counts,
       mapKeys(sumMap(weighted)) AS traceBuckets, mapValues(sumMap(weighted)) AS traceCounts, toString(toUnixTimestamp(min(at))) AS since
FROM (
  SELECT ServiceName AS service, SpanName AS operation, Calls AS calls, Errors AS errors, Latency AS latency,
         if(empty(TraceLatency), mapApply((b, n) -> (b, toFloat64(n)), Latency), TraceLatency) AS weighted, Hour AS at
  FROM {db:Identifier}.hindsight_operations_1h WHERE Hour >= firstHour AND Hour < lastHour
  UNION ALL
  SELECT ServiceName, SpanName, Calls, Errors, Latency, if(empty(TraceLatency), mapApply((b, n) -> (b, toFloat64(n)), Latency), TraceLatency), Minute
  FROM {db:Identifier}.hindsight_operations_1m WHERE Minute >= first AND Minute <= last AND NOT (Minute >= firstHour AND Minute < lastHour)
)
GROUP BY service, operation HAVING samples >= {minSamples:UInt32}
