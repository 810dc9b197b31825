-- Rate, errors and duration percentiles of a service's requests, or of one operation, per bucket.
SELECT toString(toUnixTimestamp(toStartOfInterval(Timestamp, toIntervalSecond({bucket:UInt32})))) AS t,
       count() AS calls, countIf(StatusCode = 'Error') AS errors,
       quantiles(0.5, 0.9, 0.95, 0.99)(Duration) AS q
FROM {db:Identifier}.otel_traces
WHERE ServiceName = {service:String} AND /*include range*/
  /*choice spans*/
GROUP BY t ORDER BY t
