SELECT toUnixTimestamp(now()) AS now, count() AS n FROM (SELECT 1 FROM otel.otel_traces LIMIT 1);
