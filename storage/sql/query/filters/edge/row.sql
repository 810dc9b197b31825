-- From the edge's row on; with fewer matching rows than candidates there is no edge (NULL, which
-- would compare as NULL and keep no row): every row. Written per key column, not as the tuple
-- comparison (Bucket, TraceId) >= edge, which the primary key does not prune by: that read every
-- row of the edge's hour (at 100M spans a day, 350,000 rows where 10,000 were asked for).
AND (edge IS NULL OR Bucket > edge.1 OR (Bucket = edge.1 AND TraceId >= edge.2))
