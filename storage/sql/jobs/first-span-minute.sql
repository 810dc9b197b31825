-- Where the edge job starts when it has no watermark yet.
SELECT toUnixTimestamp(toStartOfMinute(min(Timestamp))) AS m, count() AS n FROM {db:Identifier}.otel_traces
