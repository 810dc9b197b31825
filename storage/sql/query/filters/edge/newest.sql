-- The newest traces of the hours read: their rows ordered by start, so only the traces shown are
-- summarized, not every trace of the hour (at 100M spans a day, 350,000 an hour).
ORDER BY Start DESC LIMIT {limit:UInt32}
