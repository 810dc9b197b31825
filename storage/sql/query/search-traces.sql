-- Traces with at least one span meeting every filter. Matching spans pick the candidate
-- traces (the newest ones); each candidate is then summarized over all its spans in the
-- range, sorted and cut.
WITH candidates AS (
  SELECT TraceId FROM {db:Identifier}.otel_traces
  WHERE /*include range*/ /*optional service*/ /*optional operation*/ /*optional minDuration*/ /*optional maxDuration*/ /*optional status*/ /*each attributes*/
  GROUP BY TraceId ORDER BY max(Timestamp) DESC LIMIT {candidates:UInt32}
)
SELECT TraceId,
       toString(min(toUnixTimestamp64Nano(Timestamp))) AS startNs,
       toString(max(toUnixTimestamp64Nano(Timestamp) + Duration) - min(toUnixTimestamp64Nano(Timestamp))) AS durationNs,
       count() AS spanCount,
       countIf(StatusCode = 'Error') AS errorCount,
       if(countIf(ParentSpanId = '') > 0, argMinIf(ServiceName, Timestamp, ParentSpanId = ''), argMin(ServiceName, Timestamp)) AS rootService,
       if(countIf(ParentSpanId = '') > 0, argMinIf(SpanName, Timestamp, ParentSpanId = ''), argMin(SpanName, Timestamp)) AS rootOperation,
       sumMap(map(toString(ServiceName), toUInt64(1))) AS services
FROM {db:Identifier}.otel_traces
WHERE TraceId IN candidates AND /*include range*/
GROUP BY TraceId
ORDER BY /*choice order*/
LIMIT {limit:UInt32}
