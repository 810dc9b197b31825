-- minutes on one node
-- parameters: {"from":1700000040,"to":1700003640}
DELETE FROM otel.hindsight_service_edges_1m WHERE Minute >= toDateTime({from:UInt32}) AND Minute < toDateTime({to:UInt32});

-- from a minute on, on a cluster
-- parameters: {"from":1700000040}
DELETE FROM otel.hindsight_service_edges_1m_local ON CLUSTER hindsight WHERE Minute >= toDateTime({from:UInt32});
