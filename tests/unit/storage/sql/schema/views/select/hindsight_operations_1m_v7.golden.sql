-- every span
SELECT
    toStartOfMinute(Timestamp) AS Minute,
    ServiceName,
    SpanName,
    SpanKind,
    count() AS Calls,
    countIf(StatusCode = 'Error') AS Errors,
    sumMap(map(toUInt16(floor(8 * log2(greatest(Duration, 1)))), toUInt64(1))) AS Latency,
    argMaxState((TraceId, Duration), Duration) AS Slowest
FROM otel.otel_traces
WHERE true
GROUP BY Minute, ServiceName, SpanName, SpanKind;

-- from a cutoff on
SELECT
    toStartOfMinute(Timestamp) AS Minute,
    ServiceName,
    SpanName,
    SpanKind,
    count() AS Calls,
    countIf(StatusCode = 'Error') AS Errors,
    sumMap(map(toUInt16(floor(8 * log2(greatest(Duration, 1)))), toUInt64(1))) AS Latency,
    argMaxState((TraceId, Duration), Duration) AS Slowest
FROM otel.otel_traces
WHERE true AND Timestamp >= toDateTime64(1700003640, 9)
GROUP BY Minute, ServiceName, SpanName, SpanKind;

-- one backfill step
SELECT
    toStartOfMinute(Timestamp) AS Minute,
    ServiceName,
    SpanName,
    SpanKind,
    count() AS Calls,
    countIf(StatusCode = 'Error') AS Errors,
    sumMap(map(toUInt16(floor(8 * log2(greatest(Duration, 1)))), toUInt64(1))) AS Latency,
    argMaxState((TraceId, Duration), Duration) AS Slowest
FROM otel.otel_traces
WHERE true AND Timestamp >= toDateTime64(1700000000, 9) AND Timestamp < toDateTime64(1700003600, 9)
GROUP BY Minute, ServiceName, SpanName, SpanKind;
