-- range
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000"}
SELECT ServiceName AS name, count() AS spanCount, countIf(StatusCode = 'Error') AS errorCount
FROM otel.otel_traces WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
GROUP BY ServiceName ORDER BY ServiceName;
