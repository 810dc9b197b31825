-- Traces that started in the range, with a span of the service or operation when asked (and of
-- each further service asked for), read from hindsight_trace_summaries alone. The edge is the sort key of the newest `candidates`-th matching
-- row, found reading the key backwards (so the read stops there, whatever the table's size); only
-- rows from the edge on, of the traces with a matching row there, are then summarized per trace,
-- sorted and cut.
-- Newest reads whole hours from the edge's hour, since a trace's place in its hour is its id, not
-- its start, and picks the rows that start last; only those traces are summarized. A trace split
-- across an hour and across inserts can lose its part before the edge.
WITH (
  SELECT (Bucket, TraceId) FROM {db:Identifier}.hindsight_trace_summaries
  WHERE Bucket >= toStartOfHour(fromUnixTimestamp64Nano({startNs:Int64})) AND Bucket <= fromUnixTimestamp64Nano({endNs:Int64})
    AND Start >= fromUnixTimestamp64Nano({startNs:Int64}) AND Start <= fromUnixTimestamp64Nano({endNs:Int64})
    /*optional service*/ /*optional operation*/ /*optional serviceOperation*/ /*each withServices*/
  ORDER BY Bucket DESC, TraceId DESC LIMIT 1 OFFSET {edge:UInt32}
) AS edge
/*include columns*/
FROM {db:Identifier}.hindsight_trace_summaries
WHERE Bucket >= greatest(toStartOfHour(fromUnixTimestamp64Nano({startNs:Int64})), edge.1) AND Bucket <= fromUnixTimestamp64Nano({endNs:Int64})
  /*choice from*/
  AND TraceId IN (
    SELECT TraceId FROM {db:Identifier}.hindsight_trace_summaries
    WHERE Bucket >= greatest(toStartOfHour(fromUnixTimestamp64Nano({startNs:Int64})), edge.1) AND Bucket <= fromUnixTimestamp64Nano({endNs:Int64})
      AND Start >= fromUnixTimestamp64Nano({startNs:Int64}) AND Start <= fromUnixTimestamp64Nano({endNs:Int64})
      /*choice from*/ /*optional service*/ /*optional operation*/ /*optional serviceOperation*/ /*each withServices*/
    /*choice pick*/
  )
GROUP BY TraceId
HAVING min(Start) >= fromUnixTimestamp64Nano({startNs:Int64}) AND min(Start) <= fromUnixTimestamp64Nano({endNs:Int64})
ORDER BY /*choice order*/
LIMIT {limit:UInt32}
