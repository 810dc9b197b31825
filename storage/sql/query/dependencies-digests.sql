-- The latency quantiles of the map's edges from the t-digests of per-minute rows written before
-- migration 10, which have no histogram: asked only while an edge on the map has nothing newer,
-- over the same minutes as dependencies.sql (none of them is in the hourly table).
SELECT Parent AS parent, Child AS child, Kind AS kind, quantilesTDigestMerge(0.5, 0.95, 0.99)(Latency) AS digest
FROM {db:Identifier}.hindsight_service_edges_1m
WHERE Minute >= toStartOfMinute(fromUnixTimestamp64Nano({startNs:Int64})) AND Minute <= fromUnixTimestamp64Nano({endNs:Int64})
  AND Minute < toDateTime({liveFrom:UInt32}) AND empty(LatencyHistogram)
GROUP BY Parent, Child, Kind
