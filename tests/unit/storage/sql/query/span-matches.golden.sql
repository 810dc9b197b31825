-- every filter, one read
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","service":"checkout","operation":"GET /cart","minDuration":"1000000","maxDuration":"9000000","status":"Error","attrKey0":"http.route","attrKey1":"region","attrValue1":"eu","attrKey2":"user_agent","attrValue2":"curl"}
SELECT TraceId, Timestamp FROM otel.otel_traces
WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND ServiceName = {service:String} AND SpanName = {operation:String} AND Duration >= {minDuration:UInt64} AND Duration <= {maxDuration:UInt64} AND StatusCode = {status:String} AND (mapContains(SpanAttributes, {attrKey0:String}) OR mapContains(ResourceAttributes, {attrKey0:String})) AND ((mapContains(SpanAttributes, {attrKey1:String}) AND SpanAttributes[{attrKey1:String}] != {attrValue1:String}) OR (mapContains(ResourceAttributes, {attrKey1:String}) AND ResourceAttributes[{attrKey1:String}] != {attrValue1:String})) AND ((mapContains(SpanAttributes, {attrKey2:String}) AND position(SpanAttributes[{attrKey2:String}], {attrValue2:String}) > 0) OR (mapContains(ResourceAttributes, {attrKey2:String}) AND position(ResourceAttributes[{attrKey2:String}], {attrValue2:String}) > 0));

-- numeric attribute comparisons
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","attrKey0":"app.amount","attrNumber0":300,"attrKey1":"app.amount","attrNumber1":300.5,"attrKey2":"app.amount","attrNumber2":-1,"attrKey3":"app.amount","attrNumber3":1e+21}
SELECT TraceId, Timestamp FROM otel.otel_traces
WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND (toFloat64OrNull(SpanAttributes[{attrKey0:String}]) > {attrNumber0:Float64} OR toFloat64OrNull(ResourceAttributes[{attrKey0:String}]) > {attrNumber0:Float64}) AND (toFloat64OrNull(SpanAttributes[{attrKey1:String}]) >= {attrNumber1:Float64} OR toFloat64OrNull(ResourceAttributes[{attrKey1:String}]) >= {attrNumber1:Float64}) AND (toFloat64OrNull(SpanAttributes[{attrKey2:String}]) < {attrNumber2:Float64} OR toFloat64OrNull(ResourceAttributes[{attrKey2:String}]) < {attrNumber2:Float64}) AND (toFloat64OrNull(SpanAttributes[{attrKey3:String}]) <= {attrNumber3:Float64} OR toFloat64OrNull(ResourceAttributes[{attrKey3:String}]) <= {attrNumber3:Float64});

-- an equality on the span's attributes, beside another filter
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","attrKey0":"http.route","leadKey":"http.method","leadValue":"GET"}
SELECT TraceId, Timestamp FROM otel.otel_traces
WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND (mapContains(SpanAttributes, {attrKey0:String}) OR mapContains(ResourceAttributes, {attrKey0:String})) AND mapContains(SpanAttributes, {leadKey:String}) AND SpanAttributes[{leadKey:String}] = {leadValue:String};

-- the same on its resource's
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","attrKey0":"http.route","leadKey":"http.method","leadValue":"GET"}
SELECT TraceId, Timestamp FROM otel.otel_traces
WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND (mapContains(SpanAttributes, {attrKey0:String}) OR mapContains(ResourceAttributes, {attrKey0:String})) AND mapContains(ResourceAttributes, {leadKey:String}) AND ResourceAttributes[{leadKey:String}] = {leadValue:String};

-- Jaeger tags: span fields, and the leading tag on the span's events
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","statusNot":"Error","spanKind":"Server","scopeName":"io.opentelemetry.http","leadKey":"exception.type","leadValue":"IOError"}
SELECT TraceId, Timestamp FROM otel.otel_traces
WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND StatusCode != {statusNot:String} AND SpanKind = {spanKind:String} AND ScopeName = {scopeName:String} AND arrayExists(a -> mapContains(a, {leadKey:String}) AND a[{leadKey:String}] = {leadValue:String}, Events.Attributes);
