-- All spans of the traces asked for by id (Jaeger's traceID=a&traceID=b), in one statement: as in
-- trace-spans.sql, the lookup table's time range for them, from the first start to the last end,
-- bounds the read to the partitions they can be in.
WITH (SELECT (toDateTime64(min(Start), 9), toDateTime64(max(End) + 1, 9)) FROM {db:Identifier}.otel_traces_trace_id_ts WHERE TraceId IN {traceIds:Array(String)}) AS seconds
/*include columns*/
FROM {db:Identifier}.otel_traces
WHERE TraceId IN {traceIds:Array(String)} AND Timestamp >= seconds.1 AND Timestamp < seconds.2
