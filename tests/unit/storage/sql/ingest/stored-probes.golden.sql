-- two probes
-- parameters: {"min":"1700000000000000000","max":"1700003600000000000","traces":["5b8efff798038103d269b633813fc60c","eee19b7ec3c1b174"],"spans":["eee19b7ec3c1b174","5b8efff79803810"]}
SELECT TraceId, SpanId FROM otel.otel_traces
WHERE Timestamp BETWEEN fromUnixTimestamp64Nano({min:Int64}) AND fromUnixTimestamp64Nano({max:Int64})
  AND TraceId IN {traces:Array(String)} AND SpanId IN {spans:Array(String)};
