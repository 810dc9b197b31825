-- one node
ALTER TABLE otel.hindsight_operations_1m
ADD COLUMN IF NOT EXISTS TraceLatency SimpleAggregateFunction(sumMap, Map(UInt16, Float64)) CODEC(ZSTD(1)) AFTER Latency;

-- a cluster
ALTER TABLE otel.hindsight_operations_1h_local ON CLUSTER hindsight
ADD COLUMN IF NOT EXISTS TraceLatency SimpleAggregateFunction(sumMap, Map(UInt16, Float64)) CODEC(ZSTD(1)) AFTER Latency;
