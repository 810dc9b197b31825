-- every span
SELECT
    Minute,
    ServiceName,
    SpanName,
    SpanKind,
    sum(n) AS Calls,
    sum(e) AS Errors,
    sumMap(m) AS Latency,
    sumMap(mapApply((bucket, count) -> (bucket, count / n), m)) AS TraceLatency,
    argMaxState((TraceId, slowest), slowest) AS Slowest
FROM (
    SELECT
        toStartOfMinute(Timestamp) AS Minute,
        ServiceName,
        SpanName,
        SpanKind,
        TraceId,
        count() AS n,
        countIf(StatusCode = 'Error') AS e,
        sumMap(map(toUInt16(floor(8 * log2(greatest(Duration, 1)))), toUInt64(1))) AS m,
        max(Duration) AS slowest
    FROM otel.otel_traces
    WHERE true
    GROUP BY Minute, ServiceName, SpanName, SpanKind, TraceId
)
GROUP BY Minute, ServiceName, SpanName, SpanKind;

-- from a cutoff on
SELECT
    Minute,
    ServiceName,
    SpanName,
    SpanKind,
    sum(n) AS Calls,
    sum(e) AS Errors,
    sumMap(m) AS Latency,
    sumMap(mapApply((bucket, count) -> (bucket, count / n), m)) AS TraceLatency,
    argMaxState((TraceId, slowest), slowest) AS Slowest
FROM (
    SELECT
        toStartOfMinute(Timestamp) AS Minute,
        ServiceName,
        SpanName,
        SpanKind,
        TraceId,
        count() AS n,
        countIf(StatusCode = 'Error') AS e,
        sumMap(map(toUInt16(floor(8 * log2(greatest(Duration, 1)))), toUInt64(1))) AS m,
        max(Duration) AS slowest
    FROM otel.otel_traces
    WHERE true AND Timestamp >= toDateTime64(1700003640, 9)
    GROUP BY Minute, ServiceName, SpanName, SpanKind, TraceId
)
GROUP BY Minute, ServiceName, SpanName, SpanKind;

-- one backfill step
SELECT
    Minute,
    ServiceName,
    SpanName,
    SpanKind,
    sum(n) AS Calls,
    sum(e) AS Errors,
    sumMap(m) AS Latency,
    sumMap(mapApply((bucket, count) -> (bucket, count / n), m)) AS TraceLatency,
    argMaxState((TraceId, slowest), slowest) AS Slowest
FROM (
    SELECT
        toStartOfMinute(Timestamp) AS Minute,
        ServiceName,
        SpanName,
        SpanKind,
        TraceId,
        count() AS n,
        countIf(StatusCode = 'Error') AS e,
        sumMap(map(toUInt16(floor(8 * log2(greatest(Duration, 1)))), toUInt64(1))) AS m,
        max(Duration) AS slowest
    FROM otel.otel_traces
    WHERE true AND Timestamp >= toDateTime64(1700000000, 9) AND Timestamp < toDateTime64(1700003600, 9)
    GROUP BY Minute, ServiceName, SpanName, SpanKind, TraceId
)
GROUP BY Minute, ServiceName, SpanName, SpanKind;
