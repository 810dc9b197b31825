-- The trace also has spans of this service: any of its summary rows (one per insert until they
-- merge, so each service's spans may sit in a row of their own) names it in Keys. The rows of a
-- trace lie in its hour or the ones either side.
AND TraceId IN (
  SELECT TraceId FROM {db:Identifier}.hindsight_trace_summaries
  WHERE Bucket >= toStartOfHour(fromUnixTimestamp64Nano({fromNs:Int64})) - INTERVAL 1 HOUR AND Bucket <= fromUnixTimestamp64Nano({toNs:Int64}) + INTERVAL 1 HOUR
    AND has(Keys, cityHash64('service', {withService:String}))
)
