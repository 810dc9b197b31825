-- Per operation and bucket of whole minutes, from a rollup whose rows fit the bucket (per minute,
-- or per five minutes for buckets of 5 and 15): calls, errors, the latency histogram and the
-- slowest span's (trace id, duration). The anomaly analysis reads both its window regressions and
-- its span outliers from these rows, never from spans.
SELECT ServiceName AS service, SpanName AS operation,
       toString(toUnixTimestamp(toStartOfInterval(Minute, toIntervalSecond({bucket:UInt32})))) AS t,
       sum(Calls) AS calls, sum(Errors) AS errors, mapKeys(sumMap(Latency)) AS buckets, mapValues(sumMap(Latency)) AS counts, argMaxMerge(Slowest) AS slowest
FROM {db:Identifier}.{rollup:Identifier}
WHERE /*include minutes*/
GROUP BY service, operation, t ORDER BY service, operation, t
