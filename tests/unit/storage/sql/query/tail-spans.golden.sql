-- no filter
-- parameters: {"fromNs":"1700000000000000000","toNs":"1700000001000000000","limit":100}
SELECT
  TraceId AS traceId,
  SpanId AS spanId,
  ServiceName AS service,
  SpanName AS name,
  SpanKind AS kind,
  toString(toUnixTimestamp64Nano(Timestamp)) AS startNs,
  toString(Duration) AS durationNs,
  StatusCode AS statusCode,
  SpanAttributes AS spanAttributes,
  ResourceAttributes AS resourceAttributes,
  count() OVER () AS matched
FROM otel.otel_traces
WHERE Timestamp >= fromUnixTimestamp64Nano({fromNs:Int64}) AND Timestamp < fromUnixTimestamp64Nano({toNs:Int64})
ORDER BY cityHash64(SpanId)
LIMIT {limit:UInt32};

-- every filter
-- parameters: {"fromNs":"1700000000000000000","toNs":"1700000001000000000","service":"checkout","operation":"GET /cart","minDuration":"1000000","status":"Error","attrKey0":"http.method","attrValue0":"GET","attrKey1":"app.amount","attrNumber1":300,"limit":10}
SELECT
  TraceId AS traceId,
  SpanId AS spanId,
  ServiceName AS service,
  SpanName AS name,
  SpanKind AS kind,
  toString(toUnixTimestamp64Nano(Timestamp)) AS startNs,
  toString(Duration) AS durationNs,
  StatusCode AS statusCode,
  SpanAttributes AS spanAttributes,
  ResourceAttributes AS resourceAttributes,
  count() OVER () AS matched
FROM otel.otel_traces
WHERE Timestamp >= fromUnixTimestamp64Nano({fromNs:Int64}) AND Timestamp < fromUnixTimestamp64Nano({toNs:Int64})
  AND ServiceName = {service:String} AND SpanName = {operation:String} AND Duration >= {minDuration:UInt64} AND StatusCode = {status:String} AND ((mapContains(SpanAttributes, {attrKey0:String}) AND SpanAttributes[{attrKey0:String}] = {attrValue0:String}) OR (mapContains(ResourceAttributes, {attrKey0:String}) AND ResourceAttributes[{attrKey0:String}] = {attrValue0:String})) AND (toFloat64OrNull(SpanAttributes[{attrKey1:String}]) > {attrNumber1:Float64} OR toFloat64OrNull(ResourceAttributes[{attrKey1:String}]) > {attrNumber1:Float64})
ORDER BY cityHash64(SpanId)
LIMIT {limit:UInt32};
