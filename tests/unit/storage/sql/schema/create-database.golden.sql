-- one node
CREATE DATABASE IF NOT EXISTS otel;

-- a cluster
CREATE DATABASE IF NOT EXISTS otel ON CLUSTER hindsight;
