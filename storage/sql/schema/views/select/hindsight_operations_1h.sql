-- hindsight_operations_1h_mv's query since migration 8: the per-minute rows rolled up, with the
-- per-trace weighted histogram (see hindsight_operations_1m.sql). Migration 7 created the view with
-- views/hindsight_operations_1h_mv.sql, before that column existed.
SELECT
    toStartOfHour(Minute) AS Hour,
    ServiceName,
    SpanName,
    SpanKind,
    sum(Calls) AS Calls,
    sum(Errors) AS Errors,
    sumMap(Latency) AS Latency,
    sumMap(TraceLatency) AS TraceLatency,
    argMaxMergeState(Slowest) AS Slowest
FROM {db:Identifier}.{source:Identifier}
GROUP BY Hour, ServiceName, SpanName, SpanKind
