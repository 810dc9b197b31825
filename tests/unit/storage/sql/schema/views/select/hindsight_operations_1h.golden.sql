-- a cluster
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
FROM otel.hindsight_operations_1m_local
GROUP BY Hour, ServiceName, SpanName, SpanKind;
