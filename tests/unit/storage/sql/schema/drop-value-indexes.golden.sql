-- one node
ALTER TABLE otel.otel_traces
DROP INDEX IF EXISTS idx_res_attr_value,
DROP INDEX IF EXISTS idx_span_attr_value;

-- a cluster
ALTER TABLE otel.otel_traces_local ON CLUSTER hindsight
DROP INDEX IF EXISTS idx_res_attr_value,
DROP INDEX IF EXISTS idx_span_attr_value;
