-- How far the edge job has covered (collector/jobs/edges.ts): its `service_edges` watermark, after
-- which the live map computes the minutes from spans, and the hours it has rolled up into the hourly
-- table, from `service_edges_hours_start` to `service_edges_hours`.
SELECT toUnixTimestamp(maxIf(Watermark, Name = 'service_edges')) AS w, countIf(Name = 'service_edges') AS n,
       toUnixTimestamp(minIf(Watermark, Name = 'service_edges_hours_start')) AS hs,
       toUnixTimestamp(maxIf(Watermark, Name = 'service_edges_hours')) AS h,
       countIf(Name = 'service_edges_hours_start') > 0 AND countIf(Name = 'service_edges_hours') > 0 AS rolled
FROM {db:Identifier}.hindsight_jobs WHERE Name IN ('service_edges', 'service_edges_hours_start', 'service_edges_hours')
