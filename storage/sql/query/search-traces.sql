-- Traces with at least one span meeting every filter, when a filter is about single spans (an
-- attribute, a span's duration or status): matching spans pick the candidate traces (the newest
-- ones), which are then summarized from hindsight_trace_summaries, sorted and cut.
WITH candidates AS (
  SELECT TraceId, toStartOfHour(min(Timestamp)) AS Bucket FROM {db:Identifier}.otel_traces
  WHERE /*include range*/ /*optional service*/ /*optional operation*/ /*optional minDuration*/ /*optional maxDuration*/ /*optional status*/ /*each attributes*/
  GROUP BY TraceId ORDER BY max(Timestamp) DESC LIMIT {candidates:UInt32}
)
/*include summaries*/
ORDER BY /*choice order*/
LIMIT {limit:UInt32}
