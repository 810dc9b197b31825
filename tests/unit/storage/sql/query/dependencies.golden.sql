-- range
-- parameters: {"hourFrom":1700002800,"hourTo":1700002800,"startNs":"1700000000000000000","endNs":"1700003600000000000","liveFrom":1700003580}
SELECT Parent AS parent, Child AS child, Kind AS kind, sum(Calls) AS calls, sum(Errors) AS errors,
       mapKeys(sumMap(LatencyHistogram)) AS buckets, mapValues(sumMap(LatencyHistogram)) AS counts
FROM (
    SELECT Parent, Child, Kind, Calls, Errors, LatencyHistogram FROM otel.hindsight_service_edges_1h
    WHERE Hour >= toDateTime({hourFrom:UInt32}) AND Hour < toDateTime({hourTo:UInt32})
    UNION ALL
    SELECT Parent, Child, Kind, Calls, Errors, LatencyHistogram FROM otel.hindsight_service_edges_1m
    WHERE Minute >= toStartOfMinute(fromUnixTimestamp64Nano({startNs:Int64})) AND Minute <= fromUnixTimestamp64Nano({endNs:Int64})
      AND Minute < toDateTime({liveFrom:UInt32}) AND (Minute < toDateTime({hourFrom:UInt32}) OR Minute >= toDateTime({hourTo:UInt32}))
)
GROUP BY Parent, Child, Kind;
