-- The latency histogram and slowest span's (trace id, duration) of the buckets named by
-- (service, operation, t), from the same rows as operation-windows.sql; the range given spans
-- just those buckets.
SELECT service, operation, t, mapKeys(latency) AS buckets, mapValues(latency) AS counts, slowest
FROM (/*choice buckets*/)
WHERE (service, operation, t) IN arrayZip({services:Array(String)}, {operations:Array(String)}, {ts:Array(UInt32)})
