-- A view created over existing spans takes only spans from the migration's cutoff on; the
-- backfill job writes those before it, then lifts this filter (schema/modify-view-query.sql).
AND Timestamp >= toDateTime64({cutoff:UInt32}, 9)
