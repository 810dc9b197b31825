SELECT SpanName AS name, SpanKind AS spanKind, count() AS spanCount
FROM {db:Identifier}.otel_traces
WHERE ServiceName = {service:String} AND /*include range*/ /*optional spanKind*/
GROUP BY SpanName, SpanKind ORDER BY SpanName, SpanKind
