-- parameters: {"cutoff":1700003640}
SELECT DISTINCT toUnixTimestamp(toStartOfHour(Timestamp)) AS hour FROM otel.otel_traces
WHERE Timestamp < toDateTime64({cutoff:UInt32}, 9) ORDER BY hour DESC;
