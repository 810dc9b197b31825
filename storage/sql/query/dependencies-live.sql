-- The live part of the map: service edges of the minutes the edge job has not closed yet,
-- [from, to) past its watermark, computed from spans by the job's own selects. The caller bounds
-- the window to a few minutes, and runs this beside dependencies.sql.
SELECT Parent AS parent, Child AS child, Kind AS kind, sum(Calls) AS calls, sum(Errors) AS errors,
       mapKeys(sumMap(LatencyHistogram)) AS buckets, mapValues(sumMap(LatencyHistogram)) AS counts
FROM (
    SELECT Parent, Child, Kind, Calls, Errors, LatencyHistogram FROM (/*include service*/)
    UNION ALL
    SELECT Parent, Child, Kind, Calls, Errors, LatencyHistogram FROM (/*include external*/)
    UNION ALL
    SELECT Parent, Child, Kind, Calls, Errors, LatencyHistogram FROM (/*include messaging*/)
)
GROUP BY Parent, Child, Kind
