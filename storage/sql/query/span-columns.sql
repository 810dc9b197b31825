-- A span as the API reads it (viewer/query/rows.ts): 64-bit times as decimal strings.
SELECT TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName, ResourceAttributes,
       ScopeName, ScopeVersion, SpanAttributes,
       toString(toUnixTimestamp64Nano(Timestamp)) AS startNs, toString(Duration) AS durationNs,
       StatusCode, StatusMessage,
       arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Events.Timestamp) AS eventTimesNs,
       Events.Name AS eventNames, Events.Attributes AS eventAttributes,
       Links.TraceId AS linkTraceIds, Links.SpanId AS linkSpanIds,
       Links.TraceState AS linkTraceStates, Links.Attributes AS linkAttributes
