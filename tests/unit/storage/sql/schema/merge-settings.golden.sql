-- one node
ALTER TABLE otel.otel_traces MODIFY SETTING merge_selector_base = 10;

-- a cluster
ALTER TABLE otel.otel_traces_local ON CLUSTER hindsight MODIFY SETTING merge_selector_base = 10;
