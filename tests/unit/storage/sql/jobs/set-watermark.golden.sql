-- parameters: {"name":"service_edges","watermark":1700000040}
INSERT INTO otel.hindsight_jobs (Name, Watermark) SELECT {name:String}, toDateTime({watermark:UInt32});
