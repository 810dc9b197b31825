-- parameters: {"from":1700000000,"to":1700000030,"watermark":1700000040,"limit":10000}
SELECT toUnixTimestamp(Arrived) AS arrived, groupUniqArray(toUnixTimestamp(Minute)) AS minutes FROM otel.hindsight_late_arrivals
WHERE Arrived >= toDateTime({from:UInt32}) AND Arrived < toDateTime({to:UInt32}) AND Minute < toDateTime({watermark:UInt32})
GROUP BY Arrived ORDER BY Arrived LIMIT {limit:UInt32};
