-- How far the edge job has covered (collector/jobs/edges.ts, its `service_edges` watermark): the live map computes the minutes after it.
SELECT toUnixTimestamp(max(Watermark)) AS w, count() AS n FROM {db:Identifier}.hindsight_jobs WHERE Name = 'service_edges'
