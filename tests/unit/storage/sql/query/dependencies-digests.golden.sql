-- range
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","liveFrom":1700003580}
SELECT Parent AS parent, Child AS child, Kind AS kind, quantilesTDigestMerge(0.5, 0.95, 0.99)(Latency) AS digest
FROM otel.hindsight_service_edges_1m
WHERE Minute >= toStartOfMinute(fromUnixTimestamp64Nano({startNs:Int64})) AND Minute <= fromUnixTimestamp64Nano({endNs:Int64})
  AND Minute < toDateTime({liveFrom:UInt32}) AND empty(LatencyHistogram)
GROUP BY Parent, Child, Kind;
