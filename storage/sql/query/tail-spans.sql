-- The live tail's poll, where this process does not write every span itself (several collectors
-- on one ClickHouse server): the spans that started in one window [from, to) and meet the
-- filters. At most {limit:UInt32} of them, picked by their span id's hash (a sample that no
-- order of arrival tilts), each row carrying how many spans matched in all.
SELECT
  TraceId AS traceId,
  SpanId AS spanId,
  ServiceName AS service,
  SpanName AS name,
  SpanKind AS kind,
  toString(toUnixTimestamp64Nano(Timestamp)) AS startNs,
  toString(Duration) AS durationNs,
  StatusCode AS statusCode,
  SpanAttributes AS spanAttributes,
  ResourceAttributes AS resourceAttributes,
  count() OVER () AS matched
FROM {db:Identifier}.otel_traces
WHERE Timestamp >= fromUnixTimestamp64Nano({fromNs:Int64}) AND Timestamp < fromUnixTimestamp64Nano({toNs:Int64})
  /*optional service*/ /*optional operation*/ /*optional minDuration*/ /*optional status*/ /*each attributes*/
ORDER BY cityHash64(SpanId)
LIMIT {limit:UInt32}
