-- From the edge on; no edge (fewer matching rows than candidates) is every row: the edge is then
-- NULL, and a comparison with NULL would keep none.
AND (edge IS NULL OR (Bucket, TraceId) >= edge)
