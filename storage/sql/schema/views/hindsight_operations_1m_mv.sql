-- Fills hindsight_operations_1m from every insert into otel_traces (its local table on a cluster, so the
-- rows stay on the spans' shard). The SELECT is schema/views/select/hindsight_operations_1m.sql.
CREATE MATERIALIZED VIEW IF NOT EXISTS {db:Identifier}.hindsight_operations_1m_mv /*optional onCluster*/
TO {db:Identifier}.{target:Identifier}
AS {select:Statement}
