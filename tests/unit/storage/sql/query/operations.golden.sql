-- without a kind
-- parameters: {"service":"checkout","startNs":"1700000000000000000","endNs":"1700003600000000000"}
SELECT SpanName AS name, SpanKind AS spanKind, count() AS spanCount
FROM otel.otel_traces
WHERE ServiceName = {service:String} AND Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
GROUP BY SpanName, SpanKind ORDER BY SpanName, SpanKind;

-- one span kind
-- parameters: {"service":"checkout","startNs":"1700000000000000000","endNs":"1700003600000000000","spanKind":"Server"}
SELECT SpanName AS name, SpanKind AS spanKind, count() AS spanCount
FROM otel.otel_traces
WHERE ServiceName = {service:String} AND Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND SpanKind = {spanKind:String}
GROUP BY SpanName, SpanKind ORDER BY SpanName, SpanKind;
