SELECT ServiceName, SpanName,
       count() AS spans,
       round(countIf(StatusCode = 'Error') / count() * 100, 2) AS error_pct
FROM otel_traces
WHERE Timestamp > now() - INTERVAL 1 HOUR
GROUP BY ServiceName, SpanName
ORDER BY error_pct DESC, spans DESC
LIMIT 50
