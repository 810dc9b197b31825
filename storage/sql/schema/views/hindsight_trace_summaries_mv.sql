-- Fills hindsight_trace_summaries from every insert into otel_traces (its local table on a cluster, so the
-- rows stay on the spans' shard). The SELECT is schema/views/select/hindsight_trace_summaries.sql.
CREATE MATERIALIZED VIEW IF NOT EXISTS {db:Identifier}.hindsight_trace_summaries_mv /*optional onCluster*/
TO {db:Identifier}.{target:Identifier}
AS {select:Statement}
