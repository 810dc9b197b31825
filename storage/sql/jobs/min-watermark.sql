-- The smallest watermark of a name, for marks that only move back: a backfill's progress (the
-- oldest hour written; its first row is the cutoff, 0 once done) and the edge job's cursor through
-- one second of late arrivals. min() reads the same before and after the rows merge.
SELECT toUnixTimestamp(min(Watermark)) AS w, count() AS n FROM {db:Identifier}.hindsight_jobs WHERE Name = {name:String}
