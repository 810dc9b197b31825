-- minutes
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000"}
SELECT ServiceName AS service,
       sumIf(Calls, SpanKind IN ('Server', 'Consumer')) AS requests,
       sumIf(Errors, SpanKind IN ('Server', 'Consumer')) AS requestErrors,
       sum(Roots) AS roots,
       sum(RootErrors) AS rootErrors
FROM otel.hindsight_operations_1m
WHERE Minute >= toStartOfMinute(fromUnixTimestamp64Nano({startNs:Int64})) AND Minute <= fromUnixTimestamp64Nano({endNs:Int64})
GROUP BY ServiceName;
