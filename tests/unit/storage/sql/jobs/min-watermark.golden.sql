-- parameters: {"name":"backfill/hindsight_trace_summaries_mv"}
SELECT toUnixTimestamp(min(Watermark)) AS w, count() AS n FROM otel.hindsight_jobs WHERE Name = {name:String};
