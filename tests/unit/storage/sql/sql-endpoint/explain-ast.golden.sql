EXPLAIN AST SELECT ServiceName, count() FROM otel_traces GROUP BY ServiceName;
