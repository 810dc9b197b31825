-- spans
CREATE TABLE IF NOT EXISTS otel.otel_traces ON CLUSTER hindsight AS otel.otel_traces_local
ENGINE = Distributed(hindsight, otel, otel_traces_local, cityHash64(TraceId));
