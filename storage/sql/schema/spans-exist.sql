-- Whether otel_traces holds spans, and the store's clock: a view created now over existing spans
-- takes spans from this second on, and the backfill job writes the ones before it.
SELECT toUnixTimestamp(now()) AS now, count() AS n FROM (SELECT 1 FROM {db:Identifier}.otel_traces LIMIT 1)
