-- The hours [from, to) of the per-minute edges, rolled up: every minute of them is covered, and
-- has its latency histogram (rows written before migration 10 have none; the roll-up starts after them).
INSERT INTO {db:Identifier}.hindsight_service_edges_1h (Hour, Parent, Child, Kind, Calls, Errors, LatencyHistogram)
SELECT toStartOfHour(Minute) AS Hour, Parent, Child, Kind, sum(Calls), sum(Errors), sumMap(LatencyHistogram)
FROM {db:Identifier}.hindsight_service_edges_1m
WHERE Minute >= toDateTime({from:UInt32}) AND Minute < toDateTime({to:UInt32})
GROUP BY Hour, Parent, Child, Kind
