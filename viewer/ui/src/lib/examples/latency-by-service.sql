SELECT ServiceName,
       count() AS spans,
       round(quantile(0.5)(Duration) / 1e6, 2) AS p50_ms,
       round(quantile(0.99)(Duration) / 1e6, 2) AS p99_ms
FROM otel_traces
WHERE Timestamp > now() - INTERVAL 1 HOUR
GROUP BY ServiceName
ORDER BY p99_ms DESC
