-- Each candidate trace summarized over all its rows in hindsight_trace_summaries, found by the
-- table's key: a trace's rows lie in its candidate's hour or the ones either side (a trace that
-- straddles an hour, its spans in different inserts).
SELECT TraceId,
       toString(toUnixTimestamp64Nano(min(Start))) AS startNs,
       toString(toUnixTimestamp64Nano(max(End)) - toUnixTimestamp64Nano(min(Start))) AS durationNs,
       sum(Spans) AS spanCount,
       sum(Errors) AS errorCount,
       min(Root).Service AS rootService,
       min(Root).Operation AS rootOperation,
       sumMap(ServiceSpans) AS services
FROM {db:Identifier}.hindsight_trace_summaries
WHERE (Bucket, TraceId) IN (SELECT b, TraceId FROM candidates ARRAY JOIN [Bucket - INTERVAL 1 HOUR, Bucket, Bucket + INTERVAL 1 HOUR] AS b)
GROUP BY TraceId
