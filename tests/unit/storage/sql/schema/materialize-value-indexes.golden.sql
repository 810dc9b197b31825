-- one node
ALTER TABLE otel.otel_traces
MATERIALIZE INDEX idx_res_attr_value,
MATERIALIZE INDEX idx_span_attr_value;

-- a cluster
ALTER TABLE otel.otel_traces_local ON CLUSTER hindsight
MATERIALIZE INDEX idx_res_attr_value,
MATERIALIZE INDEX idx_span_attr_value;
