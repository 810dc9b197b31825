-- The time range of a trace, from the lookup table: whole seconds of its spans' starts.
SELECT toString(toUnixTimestamp(min(Start))) AS startS, toString(toUnixTimestamp(max(End))) AS endS, count() AS n
FROM {db:Identifier}.otel_traces_trace_id_ts WHERE TraceId = {traceId:String}
