-- parameters: {"version":4,"name":"minutes that received late spans, for the edge job to recompute"}
INSERT INTO otel.hindsight_schema_migrations (version, name) SELECT {version:UInt32}, {name:String};
