-- newest, an equality in two reads
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","leadKey":"http.method","leadValue":"GET","candidates":20,"limit":20}
WITH candidates AS (
  SELECT TraceId, toStartOfHour(min(Timestamp)) AS Bucket FROM (SELECT TraceId, Timestamp FROM otel.otel_traces
WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND mapContains(SpanAttributes, {leadKey:String}) AND SpanAttributes[{leadKey:String}] = {leadValue:String}
UNION ALL
SELECT TraceId, Timestamp FROM otel.otel_traces
WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND mapContains(ResourceAttributes, {leadKey:String}) AND ResourceAttributes[{leadKey:String}] = {leadValue:String})
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

-- slowest, a span duration in one read
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","minDuration":"1000000","candidates":10000,"limit":20}
WITH candidates AS (
  SELECT TraceId, toStartOfHour(min(Timestamp)) AS Bucket FROM (SELECT TraceId, Timestamp FROM otel.otel_traces
WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND Duration >= {minDuration:UInt64})
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

-- most errors, a status
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","status":"Error","candidates":10000,"limit":20}
WITH candidates AS (
  SELECT TraceId, toStartOfHour(min(Timestamp)) AS Bucket FROM (SELECT TraceId, Timestamp FROM otel.otel_traces
WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND StatusCode = {status:String})
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
