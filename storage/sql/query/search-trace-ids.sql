-- The newest traces with at least one span meeting every filter (span-matches.sql), newest first
-- by their latest matching span: search-traces.sql's candidates for the newest sort, without their
-- summaries. A Jaeger search answers whole traces, so it reads their spans instead (traces-by-id.sql).
SELECT TraceId FROM ({matches:Statement})
GROUP BY TraceId ORDER BY max(Timestamp) DESC LIMIT {limit:UInt32}
