-- Fills the trace id lookup from every insert into otel_traces. On a cluster it runs on each
-- shard's local inserts, so the lookup stays shard-local like the trace.
CREATE MATERIALIZED VIEW IF NOT EXISTS {db:Identifier}.otel_traces_trace_id_ts_mv /*optional onCluster*/
TO {db:Identifier}.{target:Identifier}
AS SELECT
    TraceId,
    min(toDateTime(Timestamp)) AS Start,
    max(toDateTime(Timestamp)) AS End
FROM {db:Identifier}.{source:Identifier}
WHERE TraceId != ''
GROUP BY TraceId
