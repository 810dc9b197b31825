-- Traces with at least one span meeting every filter, when a filter is about single spans (an
-- attribute, a span's duration or status): matching spans (span-matches.sql) pick the candidate
-- traces (the newest ones), which are then summarized from hindsight_trace_summaries, sorted and cut.
WITH candidates AS (
  SELECT TraceId, toStartOfHour(min(Timestamp)) AS Bucket FROM ({matches:Statement})
  GROUP BY TraceId ORDER BY max(Timestamp) DESC LIMIT {candidates:UInt32}
)
-- Each candidate trace summarized over all its rows in hindsight_trace_summaries, found by the
-- table's key: a trace's rows lie in its candidate's hour or the ones either side (a trace that
-- straddles an hour, its spans in different inserts).
/*include columns*/
FROM {db:Identifier}.hindsight_trace_summaries
WHERE (Bucket, TraceId) IN (SELECT b, TraceId FROM candidates ARRAY JOIN [Bucket - INTERVAL 1 HOUR, Bucket, Bucket + INTERVAL 1 HOUR] AS b)
GROUP BY TraceId
ORDER BY /*choice order*/
LIMIT {limit:UInt32}
