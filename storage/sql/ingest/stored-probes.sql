-- Recovery of the ingest journal: which of these spans (one per journaled request) are stored.
SELECT TraceId, SpanId FROM {db:Identifier}.otel_traces
WHERE Timestamp BETWEEN fromUnixTimestamp64Nano({min:Int64}) AND fromUnixTimestamp64Nano({max:Int64})
  AND TraceId IN {traces:Array(String)} AND SpanId IN {spans:Array(String)}
