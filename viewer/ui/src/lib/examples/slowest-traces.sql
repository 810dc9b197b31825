SELECT TraceId,
       anyIf(ServiceName, ParentSpanId = '') AS root_service,
       anyIf(SpanName, ParentSpanId = '') AS root,
       round((max(toUnixTimestamp64Nano(Timestamp) + Duration) - min(toUnixTimestamp64Nano(Timestamp))) / 1e6, 2) AS duration_ms,
       count() AS spans
FROM otel_traces
WHERE Timestamp > now() - INTERVAL 1 HOUR
GROUP BY TraceId
ORDER BY duration_ms DESC
LIMIT 20
