SELECT toUnixTimestamp(max(Watermark)) AS w, count() AS n FROM otel.hindsight_jobs WHERE Name = 'service_edges';
