-- Rolls each insert into hindsight_operations_1m up to five minutes: fed by the per-minute view and
-- by the backfill alike. The anomaly analysis reads its 5- and 15-minute windows here.
CREATE MATERIALIZED VIEW IF NOT EXISTS {db:Identifier}.hindsight_operations_5m_mv /*optional onCluster*/
TO {db:Identifier}.{target:Identifier}
AS SELECT
    toStartOfFiveMinutes(Minute) AS Minute,
    ServiceName,
    SpanName,
    SpanKind,
    sum(Calls) AS Calls,
    sum(Errors) AS Errors,
    sumMap(Latency) AS Latency,
    argMaxMergeState(Slowest) AS Slowest
FROM {db:Identifier}.{source:Identifier}
GROUP BY Minute, ServiceName, SpanName, SpanKind
