-- The newest traces with at least one span meeting every filter, newest first by their latest
-- matching span: search-traces.sql's candidates for the newest sort, without their summaries. A
-- Jaeger search answers whole traces, so it reads their spans instead (traces-by-id.sql).
SELECT TraceId FROM {db:Identifier}.otel_traces
WHERE /*include range*/ /*optional service*/ /*optional operation*/ /*optional minDuration*/ /*optional maxDuration*/ /*optional status*/ /*optional statusNot*/ /*optional spanKind*/ /*optional scopeName*/ /*each attributes*/ /*each withServices*/
GROUP BY TraceId ORDER BY max(Timestamp) DESC LIMIT {limit:UInt32}
