-- newest, no filter
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","edge":19,"limit":20}
WITH (
  SELECT (Bucket, TraceId) FROM otel.hindsight_trace_summaries
  WHERE Bucket >= toStartOfHour(fromUnixTimestamp64Nano({startNs:Int64})) AND Bucket <= fromUnixTimestamp64Nano({endNs:Int64})
    AND Start >= fromUnixTimestamp64Nano({startNs:Int64}) AND Start <= fromUnixTimestamp64Nano({endNs:Int64})
  ORDER BY Bucket DESC, TraceId DESC LIMIT 1 OFFSET {edge:UInt32}
) AS edge
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
WHERE Bucket >= greatest(toStartOfHour(fromUnixTimestamp64Nano({startNs:Int64})), edge.1) AND Bucket <= fromUnixTimestamp64Nano({endNs:Int64})
  AND TraceId IN (
    SELECT TraceId FROM otel.hindsight_trace_summaries
    WHERE Bucket >= greatest(toStartOfHour(fromUnixTimestamp64Nano({startNs:Int64})), edge.1) AND Bucket <= fromUnixTimestamp64Nano({endNs:Int64})
      AND Start >= fromUnixTimestamp64Nano({startNs:Int64}) AND Start <= fromUnixTimestamp64Nano({endNs:Int64})
    ORDER BY Start DESC LIMIT {limit:UInt32}
  )
GROUP BY TraceId
HAVING min(Start) >= fromUnixTimestamp64Nano({startNs:Int64}) AND min(Start) <= fromUnixTimestamp64Nano({endNs:Int64})
ORDER BY startNs DESC
LIMIT {limit:UInt32};

-- slowest, one service
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","service":"checkout","edge":9999,"limit":20}
WITH (
  SELECT (Bucket, TraceId) FROM otel.hindsight_trace_summaries
  WHERE Bucket >= toStartOfHour(fromUnixTimestamp64Nano({startNs:Int64})) AND Bucket <= fromUnixTimestamp64Nano({endNs:Int64})
    AND Start >= fromUnixTimestamp64Nano({startNs:Int64}) AND Start <= fromUnixTimestamp64Nano({endNs:Int64})
    AND has(Keys, cityHash64('service', {service:String}))
  ORDER BY Bucket DESC, TraceId DESC LIMIT 1 OFFSET {edge:UInt32}
) AS edge
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
WHERE Bucket >= greatest(toStartOfHour(fromUnixTimestamp64Nano({startNs:Int64})), edge.1) AND Bucket <= fromUnixTimestamp64Nano({endNs:Int64})
  AND (edge IS NULL OR Bucket > edge.1 OR (Bucket = edge.1 AND TraceId >= edge.2))
  AND TraceId IN (
    SELECT TraceId FROM otel.hindsight_trace_summaries
    WHERE Bucket >= greatest(toStartOfHour(fromUnixTimestamp64Nano({startNs:Int64})), edge.1) AND Bucket <= fromUnixTimestamp64Nano({endNs:Int64})
      AND Start >= fromUnixTimestamp64Nano({startNs:Int64}) AND Start <= fromUnixTimestamp64Nano({endNs:Int64})
      AND (edge IS NULL OR Bucket > edge.1 OR (Bucket = edge.1 AND TraceId >= edge.2)) AND has(Keys, cityHash64('service', {service:String}))
  )
GROUP BY TraceId
HAVING min(Start) >= fromUnixTimestamp64Nano({startNs:Int64}) AND min(Start) <= fromUnixTimestamp64Nano({endNs:Int64})
ORDER BY toUInt64(durationNs) DESC
LIMIT {limit:UInt32};

-- most spans, one operation
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","operation":"GET /cart","edge":9999,"limit":20}
WITH (
  SELECT (Bucket, TraceId) FROM otel.hindsight_trace_summaries
  WHERE Bucket >= toStartOfHour(fromUnixTimestamp64Nano({startNs:Int64})) AND Bucket <= fromUnixTimestamp64Nano({endNs:Int64})
    AND Start >= fromUnixTimestamp64Nano({startNs:Int64}) AND Start <= fromUnixTimestamp64Nano({endNs:Int64})
 AND has(Keys, cityHash64('operation', {operation:String}))
  ORDER BY Bucket DESC, TraceId DESC LIMIT 1 OFFSET {edge:UInt32}
) AS edge
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
WHERE Bucket >= greatest(toStartOfHour(fromUnixTimestamp64Nano({startNs:Int64})), edge.1) AND Bucket <= fromUnixTimestamp64Nano({endNs:Int64})
  AND (edge IS NULL OR Bucket > edge.1 OR (Bucket = edge.1 AND TraceId >= edge.2))
  AND TraceId IN (
    SELECT TraceId FROM otel.hindsight_trace_summaries
    WHERE Bucket >= greatest(toStartOfHour(fromUnixTimestamp64Nano({startNs:Int64})), edge.1) AND Bucket <= fromUnixTimestamp64Nano({endNs:Int64})
      AND Start >= fromUnixTimestamp64Nano({startNs:Int64}) AND Start <= fromUnixTimestamp64Nano({endNs:Int64})
      AND (edge IS NULL OR Bucket > edge.1 OR (Bucket = edge.1 AND TraceId >= edge.2)) AND has(Keys, cityHash64('operation', {operation:String}))
  )
GROUP BY TraceId
HAVING min(Start) >= fromUnixTimestamp64Nano({startNs:Int64}) AND min(Start) <= fromUnixTimestamp64Nano({endNs:Int64})
ORDER BY spanCount DESC, startNs DESC
LIMIT {limit:UInt32};

-- most errors, a service's operation
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","pairService":"checkout","pairOperation":"GET /cart","edge":9999,"limit":20}
WITH (
  SELECT (Bucket, TraceId) FROM otel.hindsight_trace_summaries
  WHERE Bucket >= toStartOfHour(fromUnixTimestamp64Nano({startNs:Int64})) AND Bucket <= fromUnixTimestamp64Nano({endNs:Int64})
    AND Start >= fromUnixTimestamp64Nano({startNs:Int64}) AND Start <= fromUnixTimestamp64Nano({endNs:Int64})
 AND has(Keys, cityHash64('pair', {pairService:String}, {pairOperation:String}))
  ORDER BY Bucket DESC, TraceId DESC LIMIT 1 OFFSET {edge:UInt32}
) AS edge
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
WHERE Bucket >= greatest(toStartOfHour(fromUnixTimestamp64Nano({startNs:Int64})), edge.1) AND Bucket <= fromUnixTimestamp64Nano({endNs:Int64})
  AND (edge IS NULL OR Bucket > edge.1 OR (Bucket = edge.1 AND TraceId >= edge.2))
  AND TraceId IN (
    SELECT TraceId FROM otel.hindsight_trace_summaries
    WHERE Bucket >= greatest(toStartOfHour(fromUnixTimestamp64Nano({startNs:Int64})), edge.1) AND Bucket <= fromUnixTimestamp64Nano({endNs:Int64})
      AND Start >= fromUnixTimestamp64Nano({startNs:Int64}) AND Start <= fromUnixTimestamp64Nano({endNs:Int64})
      AND (edge IS NULL OR Bucket > edge.1 OR (Bucket = edge.1 AND TraceId >= edge.2)) AND has(Keys, cityHash64('pair', {pairService:String}, {pairOperation:String}))
  )
GROUP BY TraceId
HAVING min(Start) >= fromUnixTimestamp64Nano({startNs:Int64}) AND min(Start) <= fromUnixTimestamp64Nano({endNs:Int64})
ORDER BY errorCount DESC, startNs DESC
LIMIT {limit:UInt32};
