-- The spans of one backfill step: [from, to), to never past the migration's cutoff.
AND Timestamp >= toDateTime64({from:UInt32}, 9) AND Timestamp < toDateTime64({to:UInt32}, 9)
