-- Attribute keys seen in the most recent spans of the range: a sample bounds the scan.
SELECT key, scope FROM (
  SELECT arrayJoin(arrayConcat(
           arrayMap(k -> (k, 'span'), mapKeys(SpanAttributes)),
           arrayMap(k -> (k, 'resource'), mapKeys(ResourceAttributes)))) AS pair,
         pair.1 AS key, pair.2 AS scope
  FROM (SELECT SpanAttributes, ResourceAttributes FROM {db:Identifier}.otel_traces
        WHERE /*include range*/ /*optional service*/
        LIMIT 20000))
GROUP BY key, scope ORDER BY key, scope LIMIT 2000
