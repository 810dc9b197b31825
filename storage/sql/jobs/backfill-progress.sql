-- A backfill's progress: the oldest hour it has written (its first row is the cutoff, and it only
-- moves back), or 0 once it is done. min() reads the same before and after the rows merge.
SELECT toUnixTimestamp(min(Watermark)) AS w, count() AS n FROM {db:Identifier}.hindsight_jobs WHERE Name = {name:String}
