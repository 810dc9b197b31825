-- Which minutes received spans late, and when: the edge job recomputes them. Kept as long as
-- the spans, as every table is (the rows are tiny), so a job stopped for a while still finds them.
CREATE TABLE IF NOT EXISTS {db:Identifier}.{table:Identifier} /*optional onCluster*/
(
    Minute DateTime CODEC(Delta, ZSTD(1)),
    Arrived DateTime CODEC(Delta, ZSTD(1))
)
ENGINE = /*choice engine*/
PARTITION BY toDate(Arrived)
ORDER BY (Arrived, Minute)
TTL /*include ttl*/
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1
