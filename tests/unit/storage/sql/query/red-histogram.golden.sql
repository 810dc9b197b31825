-- the service's requests
-- parameters: {"service":"checkout","startNs":"1700000000000000000","endNs":"1700003600000000000"}
SELECT toString(pow(2, ceil(log2(greatest(Duration, 1))))) AS le, count() AS count
FROM otel.otel_traces
WHERE ServiceName = {service:String} AND Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
  AND SpanKind IN ('Server', 'Consumer')
GROUP BY le ORDER BY toFloat64(le);

-- one operation
-- parameters: {"service":"checkout","startNs":"1700000000000000000","endNs":"1700003600000000000","operation":"GET /cart"}
SELECT toString(pow(2, ceil(log2(greatest(Duration, 1))))) AS le, count() AS count
FROM otel.otel_traces
WHERE ServiceName = {service:String} AND Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
  AND SpanName = {operation:String}
GROUP BY le ORDER BY toFloat64(le);
