SELECT Name AS name FROM otel.hindsight_jobs WHERE startsWith(Name, 'backfill-lease/')
GROUP BY Name HAVING max(UpdatedAt) > now() - INTERVAL 60 SECOND ORDER BY min(Watermark), Name LIMIT 1;
