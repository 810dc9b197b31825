SELECT SpanAttributes['http.route'] AS route,
       count() AS spans,
       round(avg(Duration) / 1e6, 2) AS avg_ms
FROM otel_traces
WHERE Timestamp > now() - INTERVAL 1 HOUR AND mapContains(SpanAttributes, 'http.route')
GROUP BY route
ORDER BY spans DESC
LIMIT 20
