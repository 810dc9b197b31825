-- one node
SELECT
    toStartOfFiveMinutes(Minute) AS Minute,
    ServiceName,
    SpanName,
    SpanKind,
    sum(Calls) AS Calls,
    sum(Errors) AS Errors,
    sumMap(Latency) AS Latency,
    sumMap(TraceLatency) AS TraceLatency,
    argMaxMergeState(Slowest) AS Slowest
FROM otel.hindsight_operations_1m
GROUP BY Minute, ServiceName, SpanName, SpanKind;
