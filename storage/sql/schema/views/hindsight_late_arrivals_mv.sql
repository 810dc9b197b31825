-- Records the minutes that received spans older than lateSeconds on arrival. toStartOfMinute of
-- a DateTime64 is a DateTime, which wraps silently rather than throwing for times past 2106:
-- the view must never fail the insert it rides on.
CREATE MATERIALIZED VIEW IF NOT EXISTS {db:Identifier}.hindsight_late_arrivals_mv /*optional onCluster*/
TO {db:Identifier}.{target:Identifier}
AS SELECT
    toStartOfMinute(Timestamp) AS Minute,
    now() AS Arrived
FROM {db:Identifier}.{source:Identifier}
WHERE Timestamp < now() - toIntervalSecond({lateSeconds:UInt32})
GROUP BY Minute
