-- The live part of the map, one kind of edge at a time: the service edges of the minutes the edge
-- job has not closed yet, [from, to) past its watermark, computed from spans by the job's own
-- select. The caller bounds the window to a few minutes, and asks only for the kinds whose spans
-- live-span-kinds.sql finds there: each select costs embedded chDB 20-25 ms to plan, spans or none.
SELECT Parent AS parent, Child AS child, Kind AS kind, sum(Calls) AS calls, sum(Errors) AS errors,
       mapKeys(sumMap(LatencyHistogram)) AS buckets, mapValues(sumMap(LatencyHistogram)) AS counts
FROM (/*choice edges*/)
GROUP BY Parent, Child, Kind
