-- All spans of several traces (a Jaeger search answers whole traces) in one read, read
-- only from the partitions their time range covers.
SELECT TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName, ResourceAttributes,
       ScopeName, ScopeVersion, SpanAttributes,
       toString(toUnixTimestamp64Nano(Timestamp)) AS startNs, toString(Duration) AS durationNs,
       StatusCode, StatusMessage,
       arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Events.Timestamp) AS eventTimesNs,
       Events.Name AS eventNames, Events.Attributes AS eventAttributes,
       Links.TraceId AS linkTraceIds, Links.SpanId AS linkSpanIds,
       Links.TraceState AS linkTraceStates, Links.Attributes AS linkAttributes
FROM {db:Identifier}.otel_traces
WHERE TraceId IN {traceIds:Array(String)} AND /*include range*/
