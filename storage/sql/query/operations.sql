-- A service's operations over the whole minutes of the range, from the per-minute rollup.
SELECT SpanName AS name, SpanKind AS spanKind, sum(Calls) AS spanCount
FROM {db:Identifier}.hindsight_operations_1m
WHERE ServiceName = {service:String} AND /*include minutes*/ /*optional spanKind*/
GROUP BY SpanName, SpanKind ORDER BY SpanName, SpanKind
