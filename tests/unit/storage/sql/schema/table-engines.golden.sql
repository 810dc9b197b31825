-- parameters: {"db":"otel","names":["otel_traces","hindsight_service_edges_1m"]}
SELECT name, engine_full FROM system.tables WHERE database = {db:String} AND name IN {names:Array(String)};
