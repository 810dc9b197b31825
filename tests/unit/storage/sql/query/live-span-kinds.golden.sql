-- parameters: {"from":1700003580,"to":1700003641}
SELECT countIf(ParentSpanId != '') AS service, countIf(SpanKind IN ('Client', 'Producer')) AS external, countIf(SpanKind = 'Consumer') AS messaging
FROM otel.otel_traces
WHERE Timestamp >= toDateTime({from:UInt32}) AND Timestamp < toDateTime({to:UInt32});
