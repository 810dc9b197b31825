-- The same as red-series.sql per bucket of whole minutes, from the per-minute rollup.
SELECT toString(toUnixTimestamp(toStartOfInterval(Minute, toIntervalSecond({bucket:UInt32})))) AS t,
       sum(Calls) AS calls, sum(Errors) AS errors, mapKeys(sumMap(Latency)) AS buckets, mapValues(sumMap(Latency)) AS counts
FROM {db:Identifier}.hindsight_operations_1m
WHERE ServiceName = {service:String} AND /*include minutes*/
  /*choice spans*/
GROUP BY t ORDER BY t
