-- From the edge's row on; with fewer matching rows than candidates there is no edge (NULL, which
-- would compare as NULL and keep no row): every row.
AND (edge IS NULL OR (Bucket, TraceId) >= edge)
