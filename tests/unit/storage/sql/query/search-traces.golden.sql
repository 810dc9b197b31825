-- newest, one attribute
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","attrKey0":"http.method","attrValue0":"GET","candidates":20,"limit":20}
WITH candidates AS (
  SELECT TraceId, toStartOfHour(min(Timestamp)) AS Bucket FROM otel.otel_traces
  WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND ((mapContains(SpanAttributes, {attrKey0:String}) AND SpanAttributes[{attrKey0:String}] = {attrValue0:String}) OR (mapContains(ResourceAttributes, {attrKey0:String}) AND ResourceAttributes[{attrKey0:String}] = {attrValue0:String}))
  GROUP BY TraceId ORDER BY max(Timestamp) DESC LIMIT {candidates:UInt32}
)
SELECT TraceId,
       toString(toUnixTimestamp64Nano(min(Start))) AS startNs,
       toString(toUnixTimestamp64Nano(max(End)) - toUnixTimestamp64Nano(min(Start))) AS durationNs,
       sum(Spans) AS spanCount,
       sum(Errors) AS errorCount,
       min(Root).Service AS rootService,
       min(Root).Operation AS rootOperation,
       toString(toUnixTimestamp64Nano(min(Root).Start)) AS rootStartNs,
       sumMap(ServiceSpans) AS services
FROM otel.hindsight_trace_summaries
WHERE (Bucket, TraceId) IN (SELECT b, TraceId FROM candidates ARRAY JOIN [Bucket - INTERVAL 1 HOUR, Bucket, Bucket + INTERVAL 1 HOUR] AS b)
GROUP BY TraceId
ORDER BY startNs DESC
LIMIT {limit:UInt32};

-- slowest, every filter
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","service":"checkout","operation":"GET /cart","minDuration":"1000000","maxDuration":"9000000","status":"Error","attrKey0":"http.route","attrKey1":"http.method","attrValue1":"GET","attrKey2":"region","attrValue2":"eu","attrKey3":"user_agent","attrValue3":"curl","candidates":10000,"limit":20}
WITH candidates AS (
  SELECT TraceId, toStartOfHour(min(Timestamp)) AS Bucket FROM otel.otel_traces
  WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND ServiceName = {service:String} AND SpanName = {operation:String} AND Duration >= {minDuration:UInt64} AND Duration <= {maxDuration:UInt64} AND StatusCode = {status:String} AND (mapContains(SpanAttributes, {attrKey0:String}) OR mapContains(ResourceAttributes, {attrKey0:String})) AND ((mapContains(SpanAttributes, {attrKey1:String}) AND SpanAttributes[{attrKey1:String}] = {attrValue1:String}) OR (mapContains(ResourceAttributes, {attrKey1:String}) AND ResourceAttributes[{attrKey1:String}] = {attrValue1:String})) AND ((mapContains(SpanAttributes, {attrKey2:String}) AND SpanAttributes[{attrKey2:String}] != {attrValue2:String}) OR (mapContains(ResourceAttributes, {attrKey2:String}) AND ResourceAttributes[{attrKey2:String}] != {attrValue2:String})) AND ((mapContains(SpanAttributes, {attrKey3:String}) AND position(SpanAttributes[{attrKey3:String}], {attrValue3:String}) > 0) OR (mapContains(ResourceAttributes, {attrKey3:String}) AND position(ResourceAttributes[{attrKey3:String}], {attrValue3:String}) > 0))
  GROUP BY TraceId ORDER BY max(Timestamp) DESC LIMIT {candidates:UInt32}
)
SELECT TraceId,
       toString(toUnixTimestamp64Nano(min(Start))) AS startNs,
       toString(toUnixTimestamp64Nano(max(End)) - toUnixTimestamp64Nano(min(Start))) AS durationNs,
       sum(Spans) AS spanCount,
       sum(Errors) AS errorCount,
       min(Root).Service AS rootService,
       min(Root).Operation AS rootOperation,
       toString(toUnixTimestamp64Nano(min(Root).Start)) AS rootStartNs,
       sumMap(ServiceSpans) AS services
FROM otel.hindsight_trace_summaries
WHERE (Bucket, TraceId) IN (SELECT b, TraceId FROM candidates ARRAY JOIN [Bucket - INTERVAL 1 HOUR, Bucket, Bucket + INTERVAL 1 HOUR] AS b)
GROUP BY TraceId
ORDER BY toUInt64(durationNs) DESC
LIMIT {limit:UInt32};

-- most errors, a span duration
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","minDuration":"1000000","candidates":10000,"limit":20}
WITH candidates AS (
  SELECT TraceId, toStartOfHour(min(Timestamp)) AS Bucket FROM otel.otel_traces
  WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND Duration >= {minDuration:UInt64}
  GROUP BY TraceId ORDER BY max(Timestamp) DESC LIMIT {candidates:UInt32}
)
SELECT TraceId,
       toString(toUnixTimestamp64Nano(min(Start))) AS startNs,
       toString(toUnixTimestamp64Nano(max(End)) - toUnixTimestamp64Nano(min(Start))) AS durationNs,
       sum(Spans) AS spanCount,
       sum(Errors) AS errorCount,
       min(Root).Service AS rootService,
       min(Root).Operation AS rootOperation,
       toString(toUnixTimestamp64Nano(min(Root).Start)) AS rootStartNs,
       sumMap(ServiceSpans) AS services
FROM otel.hindsight_trace_summaries
WHERE (Bucket, TraceId) IN (SELECT b, TraceId FROM candidates ARRAY JOIN [Bucket - INTERVAL 1 HOUR, Bucket, Bucket + INTERVAL 1 HOUR] AS b)
GROUP BY TraceId
ORDER BY errorCount DESC, startNs DESC
LIMIT {limit:UInt32};

-- numeric attribute comparisons
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","attrKey0":"app.amount","attrNumber0":300,"attrKey1":"app.amount","attrNumber1":300.5,"attrKey2":"app.amount","attrNumber2":-1,"attrKey3":"app.amount","attrNumber3":1e+21,"candidates":20,"limit":20}
WITH candidates AS (
  SELECT TraceId, toStartOfHour(min(Timestamp)) AS Bucket FROM otel.otel_traces
  WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND (toFloat64OrNull(SpanAttributes[{attrKey0:String}]) > {attrNumber0:Float64} OR toFloat64OrNull(ResourceAttributes[{attrKey0:String}]) > {attrNumber0:Float64}) AND (toFloat64OrNull(SpanAttributes[{attrKey1:String}]) >= {attrNumber1:Float64} OR toFloat64OrNull(ResourceAttributes[{attrKey1:String}]) >= {attrNumber1:Float64}) AND (toFloat64OrNull(SpanAttributes[{attrKey2:String}]) < {attrNumber2:Float64} OR toFloat64OrNull(ResourceAttributes[{attrKey2:String}]) < {attrNumber2:Float64}) AND (toFloat64OrNull(SpanAttributes[{attrKey3:String}]) <= {attrNumber3:Float64} OR toFloat64OrNull(ResourceAttributes[{attrKey3:String}]) <= {attrNumber3:Float64})
  GROUP BY TraceId ORDER BY max(Timestamp) DESC LIMIT {candidates:UInt32}
)
SELECT TraceId,
       toString(toUnixTimestamp64Nano(min(Start))) AS startNs,
       toString(toUnixTimestamp64Nano(max(End)) - toUnixTimestamp64Nano(min(Start))) AS durationNs,
       sum(Spans) AS spanCount,
       sum(Errors) AS errorCount,
       min(Root).Service AS rootService,
       min(Root).Operation AS rootOperation,
       toString(toUnixTimestamp64Nano(min(Root).Start)) AS rootStartNs,
       sumMap(ServiceSpans) AS services
FROM otel.hindsight_trace_summaries
WHERE (Bucket, TraceId) IN (SELECT b, TraceId FROM candidates ARRAY JOIN [Bucket - INTERVAL 1 HOUR, Bucket, Bucket + INTERVAL 1 HOUR] AS b)
GROUP BY TraceId
ORDER BY startNs DESC
LIMIT {limit:UInt32};

-- Jaeger tags: span fields and event attributes
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","statusNot":"Error","spanKind":"Server","scopeName":"io.opentelemetry.http","attrKey0":"exception.type","attrValue0":"IOError","candidates":100,"limit":100}
WITH candidates AS (
  SELECT TraceId, toStartOfHour(min(Timestamp)) AS Bucket FROM otel.otel_traces
  WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND StatusCode != {statusNot:String} AND SpanKind = {spanKind:String} AND ScopeName = {scopeName:String} AND ((mapContains(SpanAttributes, {attrKey0:String}) AND SpanAttributes[{attrKey0:String}] = {attrValue0:String}) OR (mapContains(ResourceAttributes, {attrKey0:String}) AND ResourceAttributes[{attrKey0:String}] = {attrValue0:String}) OR arrayExists(a -> mapContains(a, {attrKey0:String}) AND a[{attrKey0:String}] = {attrValue0:String}, Events.Attributes))
  GROUP BY TraceId ORDER BY max(Timestamp) DESC LIMIT {candidates:UInt32}
)
SELECT TraceId,
       toString(toUnixTimestamp64Nano(min(Start))) AS startNs,
       toString(toUnixTimestamp64Nano(max(End)) - toUnixTimestamp64Nano(min(Start))) AS durationNs,
       sum(Spans) AS spanCount,
       sum(Errors) AS errorCount,
       min(Root).Service AS rootService,
       min(Root).Operation AS rootOperation,
       toString(toUnixTimestamp64Nano(min(Root).Start)) AS rootStartNs,
       sumMap(ServiceSpans) AS services
FROM otel.hindsight_trace_summaries
WHERE (Bucket, TraceId) IN (SELECT b, TraceId FROM candidates ARRAY JOIN [Bucket - INTERVAL 1 HOUR, Bucket, Bucket + INTERVAL 1 HOUR] AS b)
GROUP BY TraceId
ORDER BY startNs DESC
LIMIT {limit:UInt32};
