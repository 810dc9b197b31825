-- the 95th percentile, no filter
-- parameters: {"threshold":"0","startNs":"1700000000000000000","endNs":"1700003600000000000"}
SELECT count() AS traces,
       toString(toUInt64(quantileExact(0.95)(d))) AS p95Ns,
       if({threshold:UInt64} = 0, toUInt64(quantileExact(0.95)(d)), {threshold:UInt64}) AS cut,
       toString(cut) AS thresholdNs,
       arrayCount(x -> x >= cut, groupArray(d)) AS slow,
       sumMap(map(toUInt16(floor(log2(greatest(d, 1)) * 4)), toUInt64(1))) AS histogram
FROM (
  SELECT max(Duration) AS d FROM otel.otel_traces
  WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
  GROUP BY TraceId
);

-- a given threshold, every filter
-- parameters: {"threshold":"268000000","startNs":"1700000000000000000","endNs":"1700003600000000000","service":"checkout","operation":"GET /cart","minDuration":"1000000","maxDuration":"9000000000","status":"Error","attrKey0":"region","attrValue0":"eu-west"}
SELECT count() AS traces,
       toString(toUInt64(quantileExact(0.95)(d))) AS p95Ns,
       if({threshold:UInt64} = 0, toUInt64(quantileExact(0.95)(d)), {threshold:UInt64}) AS cut,
       toString(cut) AS thresholdNs,
       arrayCount(x -> x >= cut, groupArray(d)) AS slow,
       sumMap(map(toUInt16(floor(log2(greatest(d, 1)) * 4)), toUInt64(1))) AS histogram
FROM (
  SELECT max(Duration) AS d FROM otel.otel_traces
  WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND ServiceName = {service:String} AND SpanName = {operation:String} AND Duration >= {minDuration:UInt64} AND Duration <= {maxDuration:UInt64} AND StatusCode = {status:String} AND ((mapContains(SpanAttributes, {attrKey0:String}) AND SpanAttributes[{attrKey0:String}] = {attrValue0:String}) OR (mapContains(ResourceAttributes, {attrKey0:String}) AND ResourceAttributes[{attrKey0:String}] = {attrValue0:String}))
  GROUP BY TraceId
);
