-- Rate, errors and a latency histogram of a service's requests, or of one operation, per bucket
-- shorter than a minute, from spans. The histogram's buckets are the rollups' (see
-- schema/views/select/hindsight_operations_1m.sql), so both read the same way.
SELECT toString(toUnixTimestamp(toStartOfInterval(Timestamp, toIntervalSecond({bucket:UInt32})))) AS t,
       count() AS calls, countIf(StatusCode = 'Error') AS errors,
       mapKeys(sumMap(map(toUInt16(floor(8 * log2(greatest(Duration, 1)))), toUInt64(1)))) AS buckets,
       mapValues(sumMap(map(toUInt16(floor(8 * log2(greatest(Duration, 1)))), toUInt64(1)))) AS counts
FROM {db:Identifier}.otel_traces
WHERE ServiceName = {service:String} AND /*include range*/
  /*choice spans*/
GROUP BY t ORDER BY t
