-- All spans of a trace, in one statement: the lookup table's time range for the trace (whole
-- seconds of its spans' starts), a scalar subquery the engine runs first, bounds the read to the
-- partitions, and by the time in the sort key to the granules, the trace can be in. A trace the
-- lookup does not know gets the range of 1970 and no rows. The bounds are DateTime64(9) like
-- Timestamp: compared as DateTime (`Timestamp < max(End) + 1`), chDB 26.7 returned no rows for
-- some traces although the same comparison in the SELECT list was true.
WITH (SELECT (toDateTime64(min(Start), 9), toDateTime64(max(End) + 1, 9)) FROM {db:Identifier}.otel_traces_trace_id_ts WHERE TraceId = {traceId:String}) AS seconds
/*include columns*/
FROM {db:Identifier}.otel_traces
WHERE TraceId = {traceId:String} AND Timestamp >= seconds.1 AND Timestamp < seconds.2
