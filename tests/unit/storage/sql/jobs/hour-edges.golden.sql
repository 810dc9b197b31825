-- parameters: {"from":1699999200,"to":1700002800}
INSERT INTO otel.hindsight_service_edges_1h (Hour, Parent, Child, Kind, Calls, Errors, LatencyHistogram)
SELECT toStartOfHour(Minute) AS Hour, Parent, Child, Kind, sum(Calls), sum(Errors), sumMap(LatencyHistogram)
FROM otel.hindsight_service_edges_1m
WHERE Minute >= toDateTime({from:UInt32}) AND Minute < toDateTime({to:UInt32})
GROUP BY Hour, Parent, Child, Kind;
