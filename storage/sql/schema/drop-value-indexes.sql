-- Migration 11, first step: the exporter's attribute value bloom filters (false positives 0.01) go,
-- to be added again at 0.001 (add-value-indexes.sql).
ALTER TABLE {db:Identifier}.{table:Identifier} /*optional onCluster*/
DROP INDEX IF EXISTS idx_res_attr_value,
DROP INDEX IF EXISTS idx_span_attr_value
