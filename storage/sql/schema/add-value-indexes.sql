-- Migration 11: the attribute value bloom filters with false positives 0.001 instead of the
-- exporter's 0.01. A search for a value no span has read the maps of about 0.9% of a day's granules
-- (about 110 of 12,700 at 100M spans a day), a rare value's up to 2.8%; at 0.001, 0.09%. The
-- filters grow by half (at 100M spans, about 0.03 bytes a span). Parts written before are indexed
-- by materialize-value-indexes.sql, in the background; until then they are read as if unindexed.
ALTER TABLE {db:Identifier}.{table:Identifier} /*optional onCluster*/
ADD INDEX IF NOT EXISTS idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.001) GRANULARITY 1 AFTER idx_res_attr_key,
ADD INDEX IF NOT EXISTS idx_span_attr_value mapValues(SpanAttributes) TYPE bloom_filter(0.001) GRANULARITY 1 AFTER idx_span_attr_key
