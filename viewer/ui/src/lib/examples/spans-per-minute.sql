SELECT toStartOfMinute(Timestamp) AS minute,
       count() AS spans,
       countIf(StatusCode = 'Error') AS errors
FROM otel_traces
WHERE Timestamp > now() - INTERVAL 1 HOUR
GROUP BY minute
ORDER BY minute
