INSERT INTO {db:Identifier}.hindsight_jobs (Name, Watermark) SELECT {name:String}, toDateTime({watermark:UInt32})
