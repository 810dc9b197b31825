-- minutes
-- parameters: {"bucket":60,"startNs":"1700000000000000000","endNs":"1700003600000000000"}
SELECT ServiceName AS service, SpanName AS operation,
       toString(toUnixTimestamp(toStartOfInterval(Timestamp, toIntervalSecond({bucket:UInt32})))) AS t,
       count() AS calls, countIf(StatusCode = 'Error') AS errors,
       quantile(0.5)(log(greatest(Duration, 1))) AS logMedian, quantile(0.5)(Duration) AS p50, quantile(0.95)(Duration) AS p95,
       arraySlice(groupArray(20)(TraceId), 1, 3) AS examples
FROM otel.otel_traces
WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
GROUP BY service, operation, t ORDER BY service, operation, t;
