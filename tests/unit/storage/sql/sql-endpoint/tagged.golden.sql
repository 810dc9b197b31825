/* hindsight-sql 4242.7 */ SELECT ServiceName, count() FROM otel_traces GROUP BY ServiceName;
