-- How the edge table was created: a Distributed engine names the cluster its local tables are on.
SELECT engine_full FROM system.tables WHERE database = {db:String} AND name = 'hindsight_service_edges_1m'
