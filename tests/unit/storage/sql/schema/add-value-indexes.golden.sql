-- one node
ALTER TABLE otel.otel_traces
ADD INDEX IF NOT EXISTS idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.001) GRANULARITY 1 AFTER idx_res_attr_key,
ADD INDEX IF NOT EXISTS idx_span_attr_value mapValues(SpanAttributes) TYPE bloom_filter(0.001) GRANULARITY 1 AFTER idx_span_attr_key;

-- a cluster
ALTER TABLE otel.otel_traces_local ON CLUSTER hindsight
ADD INDEX IF NOT EXISTS idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.001) GRANULARITY 1 AFTER idx_res_attr_key,
ADD INDEX IF NOT EXISTS idx_span_attr_value mapValues(SpanAttributes) TYPE bloom_filter(0.001) GRANULARITY 1 AFTER idx_span_attr_key;
