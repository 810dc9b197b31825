SELECT toUnixTimestamp(max(Watermark)) AS w, count() AS n FROM {db:Identifier}.hindsight_jobs WHERE Name = {name:String}
