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
  SELECT TraceId, slow, item.1 AS kind, item.2 AS scope, item.3 AS key, item.4 AS value, item.5 AS path, item.6 AS self, item.7 AS onSubject
  FROM (
    SELECT TraceId, slow, attributes, labels, durations,
           arrayMap(p -> indexOf(ids, p), parents) AS parentOf,
           arrayMap((d, i) -> d - least(d, arraySum(arrayFilter((c, p) -> p = i, durations, parentOf))), durations, arrayEnumerate(ids)) AS selfTimes,
           arrayMap(i -> arrayFold((acc, x) -> if(acc.1 = 0, acc, (parentOf[acc.1], arrayPushFront(acc.2, labels[acc.1]))), range(32), (parentOf[i], [labels[i]])).2, arrayEnumerate(ids)) AS paths
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
         uniqExactIf(TraceId, slow) AS slowTraces,
         uniqExactIf(TraceId, NOT slow) AS baselineTraces,
         uniqExactIf(TraceId, slow AND onSubject) AS slowOnSubject,
         sumIf(self, slow) AS slowSelfNs,
         sumIf(self, NOT slow) AS baselineSelfNs,
         greatest(1, max(if(kind = 'total', slowTraces, 0)) OVER ()) AS slowGroup,
         greatest(1, max(if(kind = 'total', baselineTraces, 0)) OVER ()) AS baselineGroup
  FROM items
  GROUP BY kind, scope, key, value, path
)
SELECT kind, scope, key, value, path, slowTraces, baselineTraces, slowOnSubject, toString(slowSelfNs) AS slowSelfNs, toString(baselineSelfNs) AS baselineSelfNs
FROM grouped
WHERE kind = 'total' OR (kind = 'attribute' AND slowTraces >= 2 AND slowTraces / slowGroup > baselineTraces / baselineGroup) OR (kind = 'path' AND slowSelfNs / slowGroup > baselineSelfNs / baselineGroup)
ORDER BY kind, if(kind = 'path', slowSelfNs / slowGroup - baselineSelfNs / baselineGroup, slowTraces / slowGroup - baselineTraces / baselineGroup) DESC
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
  SELECT TraceId, slow, item.1 AS kind, item.2 AS scope, item.3 AS key, item.4 AS value, item.5 AS path, item.6 AS self, item.7 AS onSubject
  FROM (
    SELECT TraceId, slow, attributes, labels, durations,
           arrayMap(p -> indexOf(ids, p), parents) AS parentOf,
           arrayMap((d, i) -> d - least(d, arraySum(arrayFilter((c, p) -> p = i, durations, parentOf))), durations, arrayEnumerate(ids)) AS selfTimes,
           arrayMap(i -> arrayFold((acc, x) -> if(acc.1 = 0, acc, (parentOf[acc.1], arrayPushFront(acc.2, labels[acc.1]))), range(32), (parentOf[i], [labels[i]])).2, arrayEnumerate(ids)) AS paths
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
         uniqExactIf(TraceId, slow) AS slowTraces,
         uniqExactIf(TraceId, NOT slow) AS baselineTraces,
         uniqExactIf(TraceId, slow AND onSubject) AS slowOnSubject,
         sumIf(self, slow) AS slowSelfNs,
         sumIf(self, NOT slow) AS baselineSelfNs,
         greatest(1, max(if(kind = 'total', slowTraces, 0)) OVER ()) AS slowGroup,
         greatest(1, max(if(kind = 'total', baselineTraces, 0)) OVER ()) AS baselineGroup
  FROM items
  GROUP BY kind, scope, key, value, path
)
SELECT kind, scope, key, value, path, slowTraces, baselineTraces, slowOnSubject, toString(slowSelfNs) AS slowSelfNs, toString(baselineSelfNs) AS baselineSelfNs
FROM grouped
WHERE kind = 'total' OR (kind = 'attribute' AND slowTraces >= 2 AND slowTraces / slowGroup > baselineTraces / baselineGroup) OR (kind = 'path' AND slowSelfNs / slowGroup > baselineSelfNs / baselineGroup)
ORDER BY kind, if(kind = 'path', slowSelfNs / slowGroup - baselineSelfNs / baselineGroup, slowTraces / slowGroup - baselineTraces / baselineGroup) DESC
LIMIT {candidates:UInt32} BY kind;
