-- The collector that runs the backfill: of the live leases (renewed before each step, so updated
-- within the last minute), the oldest (a lease's Watermark is when it was first taken). A newer
-- collector never takes over from a live one; collectors sharing one ClickHouse step one at a time.
SELECT Name AS name FROM {db:Identifier}.hindsight_jobs WHERE startsWith(Name, 'backfill-lease/')
GROUP BY Name HAVING max(UpdatedAt) > now() - INTERVAL 60 SECOND ORDER BY min(Watermark), Name LIMIT 1
