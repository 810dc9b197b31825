-- one node
CREATE MATERIALIZED VIEW IF NOT EXISTS otel.hindsight_late_arrivals_mv
TO otel.hindsight_late_arrivals
AS SELECT
    toStartOfMinute(Timestamp) AS Minute,
    now() AS Arrived
FROM otel.otel_traces
WHERE Timestamp < now() - toIntervalSecond(30)
GROUP BY Minute;
