-- one node
ALTER TABLE otel.hindsight_operations_1m
ADD COLUMN IF NOT EXISTS Roots SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)) AFTER Errors,
ADD COLUMN IF NOT EXISTS RootErrors SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)) AFTER Roots;

-- a cluster
ALTER TABLE otel.hindsight_operations_1m_local ON CLUSTER hindsight
ADD COLUMN IF NOT EXISTS Roots SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)) AFTER Errors,
ADD COLUMN IF NOT EXISTS RootErrors SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)) AFTER Roots;
