/** Example queries that work on otel_traces as the clickhouseexporter writes it. */
export const EXAMPLES: { title: string; sql: string }[] = [
  {
    title: 'p50 / p99 latency by service',
    sql: `SELECT ServiceName,
       count() AS spans,
       round(quantile(0.5)(Duration) / 1e6, 2) AS p50_ms,
       round(quantile(0.99)(Duration) / 1e6, 2) AS p99_ms
FROM otel_traces
WHERE Timestamp > now() - INTERVAL 1 HOUR
GROUP BY ServiceName
ORDER BY p99_ms DESC`,
  },
  {
    title: 'Error rate by operation',
    sql: `SELECT ServiceName, SpanName,
       count() AS spans,
       round(countIf(StatusCode = 'Error') / count() * 100, 2) AS error_pct
FROM otel_traces
WHERE Timestamp > now() - INTERVAL 1 HOUR
GROUP BY ServiceName, SpanName
ORDER BY error_pct DESC, spans DESC
LIMIT 50`,
  },
  {
    title: 'Slowest traces',
    sql: `SELECT TraceId,
       any(ServiceName) AS service,
       anyIf(SpanName, ParentSpanId = '') AS root,
       round(max(Duration) / 1e6, 2) AS duration_ms,
       count() AS spans
FROM otel_traces
WHERE Timestamp > now() - INTERVAL 1 HOUR
GROUP BY TraceId
ORDER BY duration_ms DESC
LIMIT 20`,
  },
  {
    title: 'Breakdown by an attribute',
    sql: `SELECT SpanAttributes['http.route'] AS route,
       count() AS spans,
       round(avg(Duration) / 1e6, 2) AS avg_ms
FROM otel_traces
WHERE Timestamp > now() - INTERVAL 1 HOUR AND mapContains(SpanAttributes, 'http.route')
GROUP BY route
ORDER BY spans DESC
LIMIT 20`,
  },
  {
    title: 'Spans per minute',
    sql: `SELECT toStartOfMinute(Timestamp) AS minute,
       count() AS spans,
       countIf(StatusCode = 'Error') AS errors
FROM otel_traces
WHERE Timestamp > now() - INTERVAL 1 HOUR
GROUP BY minute
ORDER BY minute`,
  },
];
