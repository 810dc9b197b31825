SELECT toUnixTimestamp(greatest(toStartOfHour(min(Minute)),
                                if(countIf(empty(LatencyHistogram)) > 0, toStartOfHour(maxIf(Minute, empty(LatencyHistogram))) + INTERVAL 1 HOUR, toDateTime(0)))) AS h,
       count() AS n
FROM otel.hindsight_service_edges_1m;
