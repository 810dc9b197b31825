-- Where the hourly roll-up starts when it has no watermark yet: the hour of the oldest per-minute
-- edge, or on a store upgraded to migration 10, the first hour after the last minute written without
-- a latency histogram (those minutes are read from the per-minute table until they expire).
SELECT toUnixTimestamp(greatest(toStartOfHour(min(Minute)),
                                if(countIf(empty(LatencyHistogram)) > 0, toStartOfHour(maxIf(Minute, empty(LatencyHistogram))) + INTERVAL 1 HOUR, toDateTime(0)))) AS h,
       count() AS n
FROM {db:Identifier}.hindsight_service_edges_1m
