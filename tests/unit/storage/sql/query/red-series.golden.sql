-- the service's requests
-- parameters: {"bucket":10,"service":"checkout","startNs":"1700000000000000000","endNs":"1700003600000000000"}
SELECT toString(toUnixTimestamp(toStartOfInterval(Timestamp, toIntervalSecond({bucket:UInt32})))) AS t,
       count() AS calls, countIf(StatusCode = 'Error') AS errors,
       mapKeys(sumMap(map(toUInt16(floor(8 * log2(greatest(Duration, 1)))), toUInt64(1)))) AS buckets,
       mapValues(sumMap(map(toUInt16(floor(8 * log2(greatest(Duration, 1)))), toUInt64(1)))) AS counts
FROM otel.otel_traces
WHERE ServiceName = {service:String} AND Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
  AND SpanKind IN ('Server', 'Consumer')
GROUP BY t ORDER BY t;

-- one operation
-- parameters: {"bucket":30,"service":"checkout","startNs":"1700000000000000000","endNs":"1700003600000000000","operation":"GET /cart"}
SELECT toString(toUnixTimestamp(toStartOfInterval(Timestamp, toIntervalSecond({bucket:UInt32})))) AS t,
       count() AS calls, countIf(StatusCode = 'Error') AS errors,
       mapKeys(sumMap(map(toUInt16(floor(8 * log2(greatest(Duration, 1)))), toUInt64(1)))) AS buckets,
       mapValues(sumMap(map(toUInt16(floor(8 * log2(greatest(Duration, 1)))), toUInt64(1)))) AS counts
FROM otel.otel_traces
WHERE ServiceName = {service:String} AND Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
  AND SpanName = {operation:String}
GROUP BY t ORDER BY t;
