-- Migration 10: each per-minute edge's latency as a log-bucket histogram (and, on a cluster, on its
-- Distributed table too), the buckets of the operations rollups: histograms of any minutes add up
-- at the cost of a few integers, where t-digests of a day cost a merge of every duration in it.
-- The edge job writes only the histogram from then on; rows written before it have only their
-- t-digest (Latency), which the map reads for an edge that has nothing newer.
ALTER TABLE {db:Identifier}.{table:Identifier} /*optional onCluster*/
ADD COLUMN IF NOT EXISTS LatencyHistogram SimpleAggregateFunction(sumMap, Map(UInt16, UInt64)) CODEC(ZSTD(1))
