-- Rolls each insert into hindsight_operations_1m up to the hour: fed by the per-minute view and by
-- the backfill alike, so the two tables always hold the same spans.
CREATE MATERIALIZED VIEW IF NOT EXISTS {db:Identifier}.hindsight_operations_1h_mv /*optional onCluster*/
TO {db:Identifier}.{target:Identifier}
AS SELECT
    toStartOfHour(Minute) AS Hour,
    ServiceName,
    SpanName,
    SpanKind,
    sum(Calls) AS Calls,
    sum(Errors) AS Errors,
    sumMap(Latency) AS Latency,
    argMaxMergeState(Slowest) AS Slowest
FROM {db:Identifier}.{source:Identifier}
GROUP BY Hour, ServiceName, SpanName, SpanKind
