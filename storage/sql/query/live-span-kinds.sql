-- Which of the live part's edge selects can find an edge in [from, to): spans with a parent (service
-- edges), client and producer spans (external peers and brokers), consumer spans (broker edges).
-- Columns of a few bytes a span, no attributes, so the probe stays cheap at any rate.
SELECT countIf(ParentSpanId != '') AS service, countIf(SpanKind IN ('Client', 'Producer')) AS external, countIf(SpanKind = 'Consumer') AS messaging
FROM {db:Identifier}.otel_traces
WHERE Timestamp >= toDateTime({from:UInt32}) AND Timestamp < toDateTime({to:UInt32})
