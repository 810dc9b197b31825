-- every service
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000"}
SELECT key, scope FROM (
  SELECT arrayJoin(arrayConcat(
           arrayMap(k -> (k, 'span'), mapKeys(SpanAttributes)),
           arrayMap(k -> (k, 'resource'), mapKeys(ResourceAttributes)))) AS pair,
         pair.1 AS key, pair.2 AS scope
  FROM (SELECT SpanAttributes, ResourceAttributes FROM otel.otel_traces
        WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
        LIMIT 20000))
GROUP BY key, scope ORDER BY key, scope LIMIT 2000;

-- one service
-- parameters: {"startNs":"1700000000000000000","endNs":"1700003600000000000","service":"checkout"}
SELECT key, scope FROM (
  SELECT arrayJoin(arrayConcat(
           arrayMap(k -> (k, 'span'), mapKeys(SpanAttributes)),
           arrayMap(k -> (k, 'resource'), mapKeys(ResourceAttributes)))) AS pair,
         pair.1 AS key, pair.2 AS scope
  FROM (SELECT SpanAttributes, ResourceAttributes FROM otel.otel_traces
        WHERE Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64}) AND ServiceName = {service:String}
        LIMIT 20000))
GROUP BY key, scope ORDER BY key, scope LIMIT 2000;
