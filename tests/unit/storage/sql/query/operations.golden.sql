-- without a kind
-- parameters: {"service":"checkout","startNs":"1700000000000000000","endNs":"1700003600000000000"}
SELECT SpanName AS name, SpanKind AS spanKind, sum(Calls) AS spanCount
FROM otel.hindsight_operations_1m
WHERE ServiceName = {service:String} AND Minute >= toStartOfMinute(fromUnixTimestamp64Nano({startNs:Int64})) AND Minute <= fromUnixTimestamp64Nano({endNs:Int64})
GROUP BY SpanName, SpanKind ORDER BY SpanName, SpanKind;

-- one span kind
-- parameters: {"service":"checkout","startNs":"1700000000000000000","endNs":"1700003600000000000","spanKind":"Server"}
SELECT SpanName AS name, SpanKind AS spanKind, sum(Calls) AS spanCount
FROM otel.hindsight_operations_1m
WHERE ServiceName = {service:String} AND Minute >= toStartOfMinute(fromUnixTimestamp64Nano({startNs:Int64})) AND Minute <= fromUnixTimestamp64Nano({endNs:Int64}) AND SpanKind = {spanKind:String}
GROUP BY SpanName, SpanKind ORDER BY SpanName, SpanKind;
