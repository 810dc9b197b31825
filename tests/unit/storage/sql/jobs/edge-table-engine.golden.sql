-- parameters: {"db":"otel"}
SELECT engine_full FROM system.tables WHERE database = {db:String} AND name = 'hindsight_service_edges_1m';
