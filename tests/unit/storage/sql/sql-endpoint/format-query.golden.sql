-- parameters: {"q":"select ServiceName, count() from otel_traces group by 1 -- a comment"}
SELECT formatQuery({q:String}) AS sql;
