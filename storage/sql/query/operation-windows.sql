-- Per operation and bucket of whole minutes, from the per-minute rollup: calls, errors, the
-- latency histogram and the slowest span's (trace id, duration). The anomaly analysis reads both
-- its window regressions and its span outliers from these rows, never from spans.
SELECT ServiceName AS service, SpanName AS operation,
       toString(toUnixTimestamp(toStartOfInterval(Minute, toIntervalSecond({bucket:UInt32})))) AS t,
       sum(Calls) AS calls, sum(Errors) AS errors, sumMap(Latency) AS latency, argMaxMerge(Slowest) AS slowest
FROM {db:Identifier}.hindsight_operations_1m
WHERE /*include minutes*/
GROUP BY service, operation, t ORDER BY service, operation, t
