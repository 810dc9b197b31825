-- "Why are these slow?", second read: what differs between the slow and the baseline traces of a
-- search, computed here over a bounded sample of each group rather than by sending spans to Node.
-- A trace is slow when its slowest matching span reaches the threshold (explain-durations.sql).
-- sampled: at most perGroup traces of each group, those of least cityHash64(TraceId): a fixed,
-- pseudo-random draw spread over the whole range (the table has no SAMPLE key, and the newest
-- traces would compare the slow of hours with the baseline of minutes).
WITH sampled AS (
  SELECT TraceId, max(Duration) >= {threshold:UInt64} AS slow FROM {db:Identifier}.otel_traces
  WHERE /*include range*/ /*optional service*/ /*optional operation*/ /*optional minDuration*/ /*optional maxDuration*/ /*optional status*/ /*each attributes*/
  GROUP BY TraceId
  ORDER BY cityHash64(TraceId) LIMIT {perGroup:UInt32} BY slow
),
-- Each sampled trace, from its spans in the range: slow again (so `sampled` is read once, by the
-- IN), its distinct attribute values (flagged when a matching span carried them), and its spans as
-- arrays for the paths below.
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
           toUInt8(ifNull(1 /*optional service*/ /*optional operation*/ /*optional minDuration*/ /*optional maxDuration*/ /*optional status*/ /*each attributes*/, 0)) AS subject,
           arrayConcat(arrayMap((k, v) -> ('span', toString(k), v), mapKeys(SpanAttributes), mapValues(SpanAttributes)),
                       arrayMap((k, v) -> ('resource', toString(k), v), mapKeys(ResourceAttributes), mapValues(ResourceAttributes))) AS attrs
    FROM {db:Identifier}.otel_traces
    WHERE /*include range*/ AND TraceId IN (SELECT TraceId FROM sampled)
  )
  GROUP BY TraceId
),
-- Per trace, one item per attribute value, one per span with its path (the (service, operation)
-- of each ancestor from the root, at most 32 deep) and self time (its duration less its
-- children's, never below 0), and one that counts the trace. Linear in a trace's spans, so a
-- trace of 50,000 spans costs no more than its size: a span's parent is found by numbering ids
-- and parent ids together (arrayEnumerateDense: a parent id gets its span's number, a missing one
-- a number past the spans), children's durations are summed per parent by sumMap and lined up
-- with the spans the same way, and paths are built by pointer jumping (each of 5 rounds puts the
-- path of a span's current ancestor in front of its own, then jumps to that ancestor's ancestor).
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
-- Per item, both groups; `slowShare - baselineShare` (an attribute) and the growth of the average
-- self time per trace (a path) only order the candidates: viewer/query/explain.ts scores them.
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
LIMIT {candidates:UInt32} BY kind
