-- newest, no filter
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","candidates":20,"limit":20}
WITH candidates AS (
  SELECT TraceId FROM otel.otel_traces
  WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
  GROUP BY TraceId ORDER BY max(Timestamp) DESC LIMIT {candidates:UInt32}
)
SELECT TraceId,
       toString(min(toUnixTimestamp64Nano(Timestamp))) AS startNs,
       toString(max(toUnixTimestamp64Nano(Timestamp) + Duration) - min(toUnixTimestamp64Nano(Timestamp))) AS durationNs,
       count() AS spanCount,
       countIf(StatusCode = 'Error') AS errorCount,
       if(countIf(ParentSpanId = '') > 0, argMinIf(ServiceName, Timestamp, ParentSpanId = ''), argMin(ServiceName, Timestamp)) AS rootService,
       if(countIf(ParentSpanId = '') > 0, argMinIf(SpanName, Timestamp, ParentSpanId = ''), argMin(SpanName, Timestamp)) AS rootOperation,
       sumMap(map(toString(ServiceName), toUInt64(1))) AS services
FROM otel.otel_traces
WHERE TraceId IN candidates AND Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
GROUP BY TraceId
ORDER BY startNs DESC
LIMIT {limit:UInt32};

-- slowest, every filter
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","service":"checkout","operation":"GET /cart","minDuration":"1000000","maxDuration":"9000000","status":"Error","attrKey0":"http.route","attrKey1":"http.method","attrValue1":"GET","attrKey2":"region","attrValue2":"eu","attrKey3":"user_agent","attrValue3":"curl","candidates":10000,"limit":20}
WITH candidates AS (
  SELECT TraceId FROM otel.otel_traces
  WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND ServiceName = {service:String} AND SpanName = {operation:String} AND Duration >= {minDuration:UInt64} AND Duration <= {maxDuration:UInt64} AND StatusCode = {status:String} AND (mapContains(SpanAttributes, {attrKey0:String}) OR mapContains(ResourceAttributes, {attrKey0:String})) AND ((mapContains(SpanAttributes, {attrKey1:String}) AND SpanAttributes[{attrKey1:String}] = {attrValue1:String}) OR (mapContains(ResourceAttributes, {attrKey1:String}) AND ResourceAttributes[{attrKey1:String}] = {attrValue1:String})) AND ((mapContains(SpanAttributes, {attrKey2:String}) AND SpanAttributes[{attrKey2:String}] != {attrValue2:String}) OR (mapContains(ResourceAttributes, {attrKey2:String}) AND ResourceAttributes[{attrKey2:String}] != {attrValue2:String})) AND ((mapContains(SpanAttributes, {attrKey3:String}) AND position(SpanAttributes[{attrKey3:String}], {attrValue3:String}) > 0) OR (mapContains(ResourceAttributes, {attrKey3:String}) AND position(ResourceAttributes[{attrKey3:String}], {attrValue3:String}) > 0))
  GROUP BY TraceId ORDER BY max(Timestamp) DESC LIMIT {candidates:UInt32}
)
SELECT TraceId,
       toString(min(toUnixTimestamp64Nano(Timestamp))) AS startNs,
       toString(max(toUnixTimestamp64Nano(Timestamp) + Duration) - min(toUnixTimestamp64Nano(Timestamp))) AS durationNs,
       count() AS spanCount,
       countIf(StatusCode = 'Error') AS errorCount,
       if(countIf(ParentSpanId = '') > 0, argMinIf(ServiceName, Timestamp, ParentSpanId = ''), argMin(ServiceName, Timestamp)) AS rootService,
       if(countIf(ParentSpanId = '') > 0, argMinIf(SpanName, Timestamp, ParentSpanId = ''), argMin(SpanName, Timestamp)) AS rootOperation,
       sumMap(map(toString(ServiceName), toUInt64(1))) AS services
FROM otel.otel_traces
WHERE TraceId IN candidates AND Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
GROUP BY TraceId
ORDER BY toUInt64(durationNs) DESC
LIMIT {limit:UInt32};

-- most spans
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","candidates":10000,"limit":20}
WITH candidates AS (
  SELECT TraceId FROM otel.otel_traces
  WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
  GROUP BY TraceId ORDER BY max(Timestamp) DESC LIMIT {candidates:UInt32}
)
SELECT TraceId,
       toString(min(toUnixTimestamp64Nano(Timestamp))) AS startNs,
       toString(max(toUnixTimestamp64Nano(Timestamp) + Duration) - min(toUnixTimestamp64Nano(Timestamp))) AS durationNs,
       count() AS spanCount,
       countIf(StatusCode = 'Error') AS errorCount,
       if(countIf(ParentSpanId = '') > 0, argMinIf(ServiceName, Timestamp, ParentSpanId = ''), argMin(ServiceName, Timestamp)) AS rootService,
       if(countIf(ParentSpanId = '') > 0, argMinIf(SpanName, Timestamp, ParentSpanId = ''), argMin(SpanName, Timestamp)) AS rootOperation,
       sumMap(map(toString(ServiceName), toUInt64(1))) AS services
FROM otel.otel_traces
WHERE TraceId IN candidates AND Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
GROUP BY TraceId
ORDER BY spanCount DESC, startNs DESC
LIMIT {limit:UInt32};

-- most errors
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","candidates":10000,"limit":20}
WITH candidates AS (
  SELECT TraceId FROM otel.otel_traces
  WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
  GROUP BY TraceId ORDER BY max(Timestamp) DESC LIMIT {candidates:UInt32}
)
SELECT TraceId,
       toString(min(toUnixTimestamp64Nano(Timestamp))) AS startNs,
       toString(max(toUnixTimestamp64Nano(Timestamp) + Duration) - min(toUnixTimestamp64Nano(Timestamp))) AS durationNs,
       count() AS spanCount,
       countIf(StatusCode = 'Error') AS errorCount,
       if(countIf(ParentSpanId = '') > 0, argMinIf(ServiceName, Timestamp, ParentSpanId = ''), argMin(ServiceName, Timestamp)) AS rootService,
       if(countIf(ParentSpanId = '') > 0, argMinIf(SpanName, Timestamp, ParentSpanId = ''), argMin(SpanName, Timestamp)) AS rootOperation,
       sumMap(map(toString(ServiceName), toUInt64(1))) AS services
FROM otel.otel_traces
WHERE TraceId IN candidates AND Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
GROUP BY TraceId
ORDER BY errorCount DESC, startNs DESC
LIMIT {limit:UInt32};
