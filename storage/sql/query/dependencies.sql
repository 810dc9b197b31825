-- Service edges over whole minutes of the range, from the per-minute edge table.
SELECT Parent AS parent, Child AS child, Kind AS kind, sum(Calls) AS calls, sum(Errors) AS errors,
       quantilesTDigestMerge(0.5, 0.95, 0.99)(Latency) AS latency
FROM {db:Identifier}.hindsight_service_edges_1m
WHERE Minute >= toStartOfMinute(fromUnixTimestamp64Nano({startNs:Int64})) AND Minute <= fromUnixTimestamp64Nano({endNs:Int64})
GROUP BY Parent, Child, Kind
ORDER BY calls DESC
