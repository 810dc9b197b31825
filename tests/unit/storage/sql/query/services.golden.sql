-- minutes
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000"}
SELECT ServiceName AS name, sum(Calls) AS spanCount, sum(Errors) AS errorCount
FROM otel.hindsight_operations_1m WHERE Minute >= toStartOfMinute(fromUnixTimestamp64Nano({startNs:Int64})) AND Minute <= fromUnixTimestamp64Nano({endNs:Int64})
GROUP BY ServiceName ORDER BY ServiceName;
