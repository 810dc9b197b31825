SELECT toUnixTimestamp(toStartOfMinute(min(Timestamp))) AS m, count() AS n FROM otel.otel_traces;
