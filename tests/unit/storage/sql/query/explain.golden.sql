-- one operation
-- parameters: {"threshold":"268000000","startNs":"1700000000000000000","endNs":"1700003600000000000","service":"checkout","operation":"GET /cart","perGroup":1000,"candidates":200}
WITH sampled AS (
  SELECT TraceId, max(Duration) >= {threshold:UInt64} AS slow FROM otel.otel_traces
  WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND ServiceName = {service:String} AND SpanName = {operation:String}
  GROUP BY TraceId
  ORDER BY cityHash64(TraceId) LIMIT {perGroup:UInt32} BY slow
),
traces AS (
  SELECT TraceId,
         maxIf(Duration, subject) >= {threshold:UInt64} AS slow,
         groupUniqArrayArray(arrayMap(a -> (a.1, a.2, a.3, subject), attrs)) AS attributes,
         groupArray(SpanId) AS ids,
         groupArray(ParentSpanId) AS parents,
         groupArray(label) AS labels,
         groupArray(Duration) AS durations
  FROM (
    SELECT TraceId, SpanId, ParentSpanId, Duration, (toString(ServiceName), toString(SpanName)) AS label,
           toUInt8(ifNull(1 AND ServiceName = {service:String} AND SpanName = {operation:String}, 0)) AS subject,
           arrayConcat(arrayMap((k, v) -> ('span', toString(k), v), mapKeys(SpanAttributes), mapValues(SpanAttributes)),
                       arrayMap((k, v) -> ('resource', toString(k), v), mapKeys(ResourceAttributes), mapValues(ResourceAttributes))) AS attrs
    FROM otel.otel_traces
    WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND TraceId IN (SELECT TraceId FROM sampled)
  )
  GROUP BY TraceId
),
items AS (
  SELECT traceKey, slow, item.1 AS kind, item.2 AS scope, item.3 AS key, item.4 AS value, item.5 AS path, item.6 AS self, item.7 AS onSubject
  FROM (
    SELECT cityHash64(TraceId) AS traceKey, slow, attributes, length(ids) AS n,
           arrayMap(x -> if(x <= n, x, 0), arraySlice(arrayEnumerateDense(arrayConcat(ids, parents)), n + 1)) AS parentOf,
           arrayReduce('sumMap', arrayMap(x -> [x], parentOf), arrayMap(x -> [x], durations)) AS children,
           arrayMap(x -> if(x <= length(children.1), children.2[x], 0), arraySlice(arrayEnumerateDense(arrayConcat(children.1, range(1, n + 1))), length(children.1) + 1)) AS childTimes,
           arrayMap((d, c) -> toUInt64(d - least(d, c)), durations, childTimes) AS selfTimes,
           arrayFold((acc, x) -> (arrayMap(a -> if(a = 0, 0, acc.1[a]), acc.1), arrayMap((p, a) -> if(a = 0, p, arrayConcat(acc.2[a], p)), acc.2, acc.1)), range(5), (parentOf, arrayMap(l -> [l], labels))).2 AS paths
    FROM traces
  )
  ARRAY JOIN arrayConcat(
    [('total', '', '', '', CAST([], 'Array(Tuple(String, String))'), toUInt64(0), toUInt8(0))],
    arrayMap(a -> ('attribute', a.1, a.2, a.3, CAST([], 'Array(Tuple(String, String))'), toUInt64(0), a.4), attributes),
    arrayMap((p, s) -> ('path', '', '', '', p, s, toUInt8(0)), paths, selfTimes)
  ) AS item
),
grouped AS (
  SELECT kind, scope, key, value, path,
         uniqExactIf(traceKey, slow) AS slowTraces,
         uniqExactIf(traceKey, NOT slow) AS baselineTraces,
         uniqExactIf(traceKey, slow AND onSubject) AS slowOnSubject,
         sumIf(self, slow) AS slowSelf,
         sumIf(self, NOT slow) AS baselineSelf,
         greatest(1, max(if(kind = 'total', slowTraces, 0)) OVER ()) AS slowGroup,
         greatest(1, max(if(kind = 'total', baselineTraces, 0)) OVER ()) AS baselineGroup
  FROM items
  GROUP BY kind, scope, key, value, path
)
SELECT kind, scope, key, value, path, slowTraces, baselineTraces, slowOnSubject, toString(slowSelf) AS slowSelfNs, toString(baselineSelf) AS baselineSelfNs
FROM grouped
WHERE kind = 'total' OR (kind = 'attribute' AND slowTraces >= 2 AND slowTraces / slowGroup > baselineTraces / baselineGroup) OR (kind = 'path' AND slowSelf / slowGroup > baselineSelf / baselineGroup)
ORDER BY kind, if(kind = 'path', slowSelf / slowGroup - baselineSelf / baselineGroup, slowTraces / slowGroup - baselineTraces / baselineGroup) DESC
LIMIT {candidates:UInt32} BY kind;

-- every filter
-- parameters: {"threshold":"268000000","startNs":"1700000000000000000","endNs":"1700003600000000000","service":"checkout","operation":"GET /cart","minDuration":"1000000","maxDuration":"9000000000","status":"Error","attrKey0":"region","attrValue0":"eu-west","attrKey1":"app.items","attrNumber1":3,"perGroup":1000,"candidates":200}
WITH sampled AS (
  SELECT TraceId, max(Duration) >= {threshold:UInt64} AS slow FROM otel.otel_traces
  WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND ServiceName = {service:String} AND SpanName = {operation:String} AND Duration >= {minDuration:UInt64} AND Duration <= {maxDuration:UInt64} AND StatusCode = {status:String} AND ((mapContains(SpanAttributes, {attrKey0:String}) AND SpanAttributes[{attrKey0:String}] = {attrValue0:String}) OR (mapContains(ResourceAttributes, {attrKey0:String}) AND ResourceAttributes[{attrKey0:String}] = {attrValue0:String})) AND (toFloat64OrNull(SpanAttributes[{attrKey1:String}]) > {attrNumber1:Float64} OR toFloat64OrNull(ResourceAttributes[{attrKey1:String}]) > {attrNumber1:Float64})
  GROUP BY TraceId
  ORDER BY cityHash64(TraceId) LIMIT {perGroup:UInt32} BY slow
),
traces AS (
  SELECT TraceId,
         maxIf(Duration, subject) >= {threshold:UInt64} AS slow,
         groupUniqArrayArray(arrayMap(a -> (a.1, a.2, a.3, subject), attrs)) AS attributes,
         groupArray(SpanId) AS ids,
         groupArray(ParentSpanId) AS parents,
         groupArray(label) AS labels,
         groupArray(Duration) AS durations
  FROM (
    SELECT TraceId, SpanId, ParentSpanId, Duration, (toString(ServiceName), toString(SpanName)) AS label,
           toUInt8(ifNull(1 AND ServiceName = {service:String} AND SpanName = {operation:String} AND Duration >= {minDuration:UInt64} AND Duration <= {maxDuration:UInt64} AND StatusCode = {status:String} AND ((mapContains(SpanAttributes, {attrKey0:String}) AND SpanAttributes[{attrKey0:String}] = {attrValue0:String}) OR (mapContains(ResourceAttributes, {attrKey0:String}) AND ResourceAttributes[{attrKey0:String}] = {attrValue0:String})) AND (toFloat64OrNull(SpanAttributes[{attrKey1:String}]) > {attrNumber1:Float64} OR toFloat64OrNull(ResourceAttributes[{attrKey1:String}]) > {attrNumber1:Float64}), 0)) AS subject,
           arrayConcat(arrayMap((k, v) -> ('span', toString(k), v), mapKeys(SpanAttributes), mapValues(SpanAttributes)),
                       arrayMap((k, v) -> ('resource', toString(k), v), mapKeys(ResourceAttributes), mapValues(ResourceAttributes))) AS attrs
    FROM otel.otel_traces
    WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND TraceId IN (SELECT TraceId FROM sampled)
  )
  GROUP BY TraceId
),
items AS (
  SELECT traceKey, slow, item.1 AS kind, item.2 AS scope, item.3 AS key, item.4 AS value, item.5 AS path, item.6 AS self, item.7 AS onSubject
  FROM (
    SELECT cityHash64(TraceId) AS traceKey, slow, attributes, length(ids) AS n,
           arrayMap(x -> if(x <= n, x, 0), arraySlice(arrayEnumerateDense(arrayConcat(ids, parents)), n + 1)) AS parentOf,
           arrayReduce('sumMap', arrayMap(x -> [x], parentOf), arrayMap(x -> [x], durations)) AS children,
           arrayMap(x -> if(x <= length(children.1), children.2[x], 0), arraySlice(arrayEnumerateDense(arrayConcat(children.1, range(1, n + 1))), length(children.1) + 1)) AS childTimes,
           arrayMap((d, c) -> toUInt64(d - least(d, c)), durations, childTimes) AS selfTimes,
           arrayFold((acc, x) -> (arrayMap(a -> if(a = 0, 0, acc.1[a]), acc.1), arrayMap((p, a) -> if(a = 0, p, arrayConcat(acc.2[a], p)), acc.2, acc.1)), range(5), (parentOf, arrayMap(l -> [l], labels))).2 AS paths
    FROM traces
  )
  ARRAY JOIN arrayConcat(
    [('total', '', '', '', CAST([], 'Array(Tuple(String, String))'), toUInt64(0), toUInt8(0))],
    arrayMap(a -> ('attribute', a.1, a.2, a.3, CAST([], 'Array(Tuple(String, String))'), toUInt64(0), a.4), attributes),
    arrayMap((p, s) -> ('path', '', '', '', p, s, toUInt8(0)), paths, selfTimes)
  ) AS item
),
grouped AS (
  SELECT kind, scope, key, value, path,
         uniqExactIf(traceKey, slow) AS slowTraces,
         uniqExactIf(traceKey, NOT slow) AS baselineTraces,
         uniqExactIf(traceKey, slow AND onSubject) AS slowOnSubject,
         sumIf(self, slow) AS slowSelf,
         sumIf(self, NOT slow) AS baselineSelf,
         greatest(1, max(if(kind = 'total', slowTraces, 0)) OVER ()) AS slowGroup,
         greatest(1, max(if(kind = 'total', baselineTraces, 0)) OVER ()) AS baselineGroup
  FROM items
  GROUP BY kind, scope, key, value, path
)
SELECT kind, scope, key, value, path, slowTraces, baselineTraces, slowOnSubject, toString(slowSelf) AS slowSelfNs, toString(baselineSelf) AS baselineSelfNs
FROM grouped
WHERE kind = 'total' OR (kind = 'attribute' AND slowTraces >= 2 AND slowTraces / slowGroup > baselineTraces / baselineGroup) OR (kind = 'path' AND slowSelf / slowGroup > baselineSelf / baselineGroup)
ORDER BY kind, if(kind = 'path', slowSelf / slowGroup - baselineSelf / baselineGroup, slowTraces / slowGroup - baselineTraces / baselineGroup) DESC
LIMIT {candidates:UInt32} BY kind;
