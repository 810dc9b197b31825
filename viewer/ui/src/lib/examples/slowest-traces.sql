SELECT TraceId,
       any(ServiceName) AS service,
       anyIf(SpanName, ParentSpanId = '') AS root,
       round(max(Duration) / 1e6, 2) AS duration_ms,
       count() AS spans
FROM otel_traces
WHERE Timestamp > now() - INTERVAL 1 HOUR
GROUP BY TraceId
ORDER BY duration_ms DESC
LIMIT 20
