-- Each service's own incoming work over the whole minutes of the range, for the dependency map's
-- nodes: its requests (server and consumer spans, as filters/requests.sql) and its root spans, each
-- with the failed ones. From the per-minute rollup, which its view fills at insert, so the minutes
-- past the edge job's watermark are in it too.
SELECT ServiceName AS service,
       sumIf(Calls, SpanKind IN ('Server', 'Consumer')) AS requests,
       sumIf(Errors, SpanKind IN ('Server', 'Consumer')) AS requestErrors,
       sum(Roots) AS roots,
       sum(RootErrors) AS rootErrors
FROM {db:Identifier}.hindsight_operations_1m
WHERE /*include minutes*/
GROUP BY ServiceName
