-- A latency histogram of the same spans as red-series.sql, on log-spaced buckets (powers of two of nanoseconds).
SELECT toString(pow(2, ceil(log2(greatest(Duration, 1))))) AS le, count() AS count
FROM {db:Identifier}.otel_traces
WHERE ServiceName = {service:String} AND /*include range*/
  /*choice spans*/
GROUP BY le ORDER BY toFloat64(le)
