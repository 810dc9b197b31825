-- several traces
-- parameters: {"traceIds":["5b8efff798038103d269b633813fc60c","0af7651916cd43dd8448eb211c80319c"]}
WITH (SELECT (toDateTime64(min(Start), 9), toDateTime64(max(End) + 1, 9)) FROM otel.otel_traces_trace_id_ts WHERE TraceId IN {traceIds:Array(String)}) AS seconds
SELECT TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName, ResourceAttributes,
       ScopeName, ScopeVersion, SpanAttributes,
       toString(toUnixTimestamp64Nano(Timestamp)) AS startNs, toString(Duration) AS durationNs,
       StatusCode, StatusMessage,
       arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Events.Timestamp) AS eventTimesNs,
       Events.Name AS eventNames, Events.Attributes AS eventAttributes,
       Links.TraceId AS linkTraceIds, Links.SpanId AS linkSpanIds,
       Links.TraceState AS linkTraceStates, Links.Attributes AS linkAttributes
FROM otel.otel_traces
WHERE TraceId IN {traceIds:Array(String)} AND Timestamp >= seconds.1 AND Timestamp < seconds.2;
