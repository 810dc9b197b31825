-- A span's shape, under the names of span-columns.sql: ids, names, kind, times and status, with
-- attributes, events and links left empty. For analysis that reads many traces' trees and none of
-- their attributes (the anomalies' causes): the attribute maps are most of a span's bytes, and a
-- span read decompresses its whole granule of each column it asks for.
SELECT TraceId, SpanId, ParentSpanId, '' AS TraceState, SpanName, SpanKind, ServiceName, map() AS ResourceAttributes,
       '' AS ScopeName, '' AS ScopeVersion, map() AS SpanAttributes,
       toString(toUnixTimestamp64Nano(Timestamp)) AS startNs, toString(Duration) AS durationNs,
       StatusCode, '' AS StatusMessage,
       [] AS eventTimesNs, [] AS eventNames, [] AS eventAttributes,
       [] AS linkTraceIds, [] AS linkSpanIds, [] AS linkTraceStates, [] AS linkAttributes
