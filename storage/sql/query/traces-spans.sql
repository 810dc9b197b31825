-- All spans of several traces (a Jaeger search answers whole traces) in one read, read
-- only from the partitions their time range covers; or only their shape, for the trees of
-- analysis that reads no attributes (span-shape-columns.sql).
/*choice columns*/
FROM {db:Identifier}.otel_traces
WHERE TraceId IN {traceIds:Array(String)} AND /*include range*/
