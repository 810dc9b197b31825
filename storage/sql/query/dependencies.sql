-- Service edges over the range: whole minutes the edge job has covered (before {liveFrom}) from
-- the per-minute edge table, and the minutes after it, which the job has not closed yet, computed
-- from spans by the job's own selects. The caller bounds [liveFrom, liveTo) to a few minutes.
SELECT Parent AS parent, Child AS child, Kind AS kind, sum(Calls) AS calls, sum(Errors) AS errors,
       quantilesTDigestMerge(0.5, 0.95, 0.99)(Latency) AS latency
FROM (
    SELECT Minute, Parent, Child, Kind, Calls, Errors, Latency FROM {db:Identifier}.hindsight_service_edges_1m
    WHERE Minute >= toStartOfMinute(fromUnixTimestamp64Nano({startNs:Int64})) AND Minute <= fromUnixTimestamp64Nano({endNs:Int64})
      AND Minute < toDateTime({liveFrom:UInt32})
    UNION ALL
    /*include service*/
    UNION ALL
    /*include external*/
    UNION ALL
    /*include messaging*/
)
GROUP BY Parent, Child, Kind
ORDER BY calls DESC
