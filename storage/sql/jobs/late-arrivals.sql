-- Per second of arrival in [from, to), oldest first, the covered minutes that received late spans.
SELECT toUnixTimestamp(Arrived) AS arrived, groupUniqArray(toUnixTimestamp(Minute)) AS minutes FROM {db:Identifier}.hindsight_late_arrivals
WHERE Arrived >= toDateTime({from:UInt32}) AND Arrived < toDateTime({to:UInt32}) AND Minute < toDateTime({watermark:UInt32})
GROUP BY Arrived ORDER BY Arrived LIMIT {limit:UInt32}
