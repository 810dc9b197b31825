-- Migration 9: the root spans among a per-minute rollup row's calls, and those that failed (and, on a
-- cluster, on its Distributed table too). Rows written before it count 0 of each: the dependency map
-- then measures a service with no server or consumer spans by its callers' calls, as before.
ALTER TABLE {db:Identifier}.{table:Identifier} /*optional onCluster*/
ADD COLUMN IF NOT EXISTS Roots SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)) AFTER Errors,
ADD COLUMN IF NOT EXISTS RootErrors SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)) AFTER Roots
