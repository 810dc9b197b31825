-- The hours that hold spans before a cutoff, newest first: the backfill's steps.
SELECT DISTINCT toUnixTimestamp(toStartOfHour(Timestamp)) AS hour FROM {db:Identifier}.otel_traces
WHERE Timestamp < toDateTime64({cutoff:UInt32}, 9) ORDER BY hour DESC
