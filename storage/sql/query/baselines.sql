-- Per (service, operation) over the baseline range, in one pass: median and robust spread of
-- ln(duration) (the spread from the interquartile range, IQR / 1.349, robust like MAD but one
-- scan instead of two), p50, p95 and error rate.
SELECT ServiceName AS service, SpanName AS operation, count() AS samples,
       quantiles(0.25, 0.5, 0.75)(log(greatest(Duration, 1))) AS lq, lq[2] AS logMedian, (lq[3] - lq[1]) / 1.349 AS logSigma,
       quantiles(0.5, 0.95)(Duration) AS dq, dq[1] AS p50, dq[2] AS p95,
       countIf(StatusCode = 'Error') / count() AS errorRate
FROM {db:Identifier}.otel_traces
WHERE Timestamp >= fromUnixTimestamp64Nano({baseStartNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
GROUP BY service, operation HAVING samples >= {minSamples:UInt32}
