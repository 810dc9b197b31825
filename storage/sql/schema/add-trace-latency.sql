-- Migration 8: the per-trace weighted latency histogram on each operations rollup (and, on a
-- cluster, on its Distributed table too). Rows written before it have an empty map; the baselines
-- read their span histogram instead.
ALTER TABLE {db:Identifier}.{table:Identifier} /*optional onCluster*/
ADD COLUMN IF NOT EXISTS TraceLatency SimpleAggregateFunction(sumMap, Map(UInt16, Float64)) CODEC(ZSTD(1)) AFTER Latency
