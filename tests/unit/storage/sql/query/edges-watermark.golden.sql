SELECT toUnixTimestamp(maxIf(Watermark, Name = 'service_edges')) AS w, countIf(Name = 'service_edges') AS n,
       toUnixTimestamp(minIf(Watermark, Name = 'service_edges_hours_start')) AS hs,
       toUnixTimestamp(maxIf(Watermark, Name = 'service_edges_hours')) AS h,
       countIf(Name = 'service_edges_hours_start') > 0 AND countIf(Name = 'service_edges_hours') > 0 AS rolled
FROM otel.hindsight_jobs WHERE Name IN ('service_edges', 'service_edges_hours_start', 'service_edges_hours');
