-- Per operation and bucket: calls, errors, median ln(duration), p50 and p95, and a few trace ids.
SELECT ServiceName AS service, SpanName AS operation,
       toString(toUnixTimestamp(toStartOfInterval(Timestamp, toIntervalSecond({bucket:UInt32})))) AS t,
       count() AS calls, countIf(StatusCode = 'Error') AS errors,
       quantile(0.5)(log(greatest(Duration, 1))) AS logMedian, quantile(0.5)(Duration) AS p50, quantile(0.95)(Duration) AS p95,
       arraySlice(groupArray(20)(TraceId), 1, 3) AS examples
FROM {db:Identifier}.otel_traces
WHERE /*include range*/
GROUP BY service, operation, t ORDER BY service, operation, t
