-- parameters: {"name":"service_edges"}
SELECT toUnixTimestamp(max(Watermark)) AS w, count() AS n FROM otel.hindsight_jobs WHERE Name = {name:String};
