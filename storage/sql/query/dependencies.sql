-- Stored service edges over the range: the whole hours [hourFrom, hourTo) the job has rolled up
-- from the hourly edge table, and the other minutes the edge job has covered (before {liveFrom})
-- from the per-minute one, with their summed latency histograms. The minutes after it are
-- dependencies-live.sql; the t-digests of minutes written before migration 10, which have no
-- histogram, are dependencies-digests.sql.
SELECT Parent AS parent, Child AS child, Kind AS kind, sum(Calls) AS calls, sum(Errors) AS errors,
       mapKeys(sumMap(LatencyHistogram)) AS buckets, mapValues(sumMap(LatencyHistogram)) AS counts
FROM (
    SELECT Parent, Child, Kind, Calls, Errors, LatencyHistogram FROM {db:Identifier}.hindsight_service_edges_1h
    WHERE Hour >= toDateTime({hourFrom:UInt32}) AND Hour < toDateTime({hourTo:UInt32})
    UNION ALL
    SELECT Parent, Child, Kind, Calls, Errors, LatencyHistogram FROM {db:Identifier}.hindsight_service_edges_1m
    WHERE Minute >= toStartOfMinute(fromUnixTimestamp64Nano({startNs:Int64})) AND Minute <= fromUnixTimestamp64Nano({endNs:Int64})
      AND Minute < toDateTime({liveFrom:UInt32}) AND (Minute < toDateTime({hourFrom:UInt32}) OR Minute >= toDateTime({hourTo:UInt32}))
)
GROUP BY Parent, Child, Kind
