-- several traces
-- parameters: {"traceIds":["5b8efff798038103d269b633813fc60c","0af7651916cd43dd8448eb211c80319c"],"startNs":"1700000000000000000","endNs":"1700003600000000000"}
SELECT TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName, ResourceAttributes,
       ScopeName, ScopeVersion, SpanAttributes,
       toString(toUnixTimestamp64Nano(Timestamp)) AS startNs, toString(Duration) AS durationNs,
       StatusCode, StatusMessage,
       arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Events.Timestamp) AS eventTimesNs,
       Events.Name AS eventNames, Events.Attributes AS eventAttributes,
       Links.TraceId AS linkTraceIds, Links.SpanId AS linkSpanIds,
       Links.TraceState AS linkTraceStates, Links.Attributes AS linkAttributes
FROM otel.otel_traces
WHERE TraceId IN {traceIds:Array(String)} AND Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64});

-- their shape
-- parameters: {"traceIds":["5b8efff798038103d269b633813fc60c","0af7651916cd43dd8448eb211c80319c"],"startNs":"1700000000000000000","endNs":"1700003600000000000"}
SELECT TraceId, SpanId, ParentSpanId, '' AS TraceState, SpanName, SpanKind, ServiceName, map() AS ResourceAttributes,
       '' AS ScopeName, '' AS ScopeVersion, map() AS SpanAttributes,
       toString(toUnixTimestamp64Nano(Timestamp)) AS startNs, toString(Duration) AS durationNs,
       StatusCode, '' AS StatusMessage,
       [] AS eventTimesNs, [] AS eventNames, [] AS eventAttributes,
       [] AS linkTraceIds, [] AS linkSpanIds, [] AS linkTraceStates, [] AS linkAttributes
FROM otel.otel_traces
WHERE TraceId IN {traceIds:Array(String)} AND Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64});
