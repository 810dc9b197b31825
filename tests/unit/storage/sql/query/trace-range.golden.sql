-- one trace
-- parameters: {"traceId":"5b8efff798038103d269b633813fc60c"}
SELECT toString(toUnixTimestamp(min(Start))) AS startS, toString(toUnixTimestamp(max(End))) AS endS, count() AS n
FROM otel.otel_traces_trace_id_ts WHERE TraceId = {traceId:String};
