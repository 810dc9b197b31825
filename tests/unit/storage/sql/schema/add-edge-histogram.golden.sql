-- one node
ALTER TABLE otel.hindsight_service_edges_1m
ADD COLUMN IF NOT EXISTS LatencyHistogram SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(1));

-- a cluster
ALTER TABLE otel.hindsight_service_edges_1m_local ON CLUSTER hindsight
ADD COLUMN IF NOT EXISTS LatencyHistogram SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(1));
