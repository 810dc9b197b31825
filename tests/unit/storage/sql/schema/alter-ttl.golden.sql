-- spans on one node
ALTER TABLE otel.otel_traces MODIFY TTL toDateTime(Timestamp) + toIntervalDay(30);

-- edges on a cluster
ALTER TABLE otel.hindsight_service_edges_1m_local ON CLUSTER hindsight MODIFY TTL Minute + toIntervalDay(30);
