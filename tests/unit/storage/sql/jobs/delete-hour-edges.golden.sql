-- hours on one node
-- parameters: {"from":1699999200,"to":1700002800}
DELETE FROM otel.hindsight_service_edges_1h WHERE Hour >= toDateTime({from:UInt32}) AND Hour < toDateTime({to:UInt32});

-- from an hour on, on a cluster
-- parameters: {"from":1699999200}
DELETE FROM otel.hindsight_service_edges_1h_local ON CLUSTER hindsight WHERE Hour >= toDateTime({from:UInt32});
