-- Spans in the range beyond 2, 3 and 5 sigma of the given baselines, with the worst as examples.
-- The baselines come in as parameters, so they are computed once.
SELECT service, operation, count() AS spans,
       countIf(z > 2) AS over2, countIf(z > 3) AS over3, countIf(z > 5) AS over5,
       arraySlice(arrayReverseSort(x -> x.1, groupArrayIf(200)((z, TraceId, toString(Duration)), z > 2)), 1, 5) AS examples
FROM (
  SELECT t.TraceId AS TraceId, t.Duration AS Duration, b.service AS service, b.operation AS operation,
         (log(greatest(t.Duration, 1)) - b.logMedian) / greatest(b.logSigma, 0.01) AS z
  FROM {db:Identifier}.otel_traces AS t
  INNER JOIN (
    SELECT x.1 AS service, x.2 AS operation, x.3 AS logMedian, x.4 AS logSigma
    FROM (SELECT arrayJoin(arrayZip({services:Array(String)}, {operations:Array(String)}, {medians:Array(Float64)}, {sigmas:Array(Float64)})) AS x)
  ) AS b ON t.ServiceName = b.service AND t.SpanName = b.operation
  WHERE t.Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND t.Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
)
GROUP BY service, operation
