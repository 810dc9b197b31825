-- A service's requests: its server and consumer spans.
AND SpanKind IN ('Server', 'Consumer')
