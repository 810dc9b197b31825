-- "Why are these slow?", first read: the traces a search matches, each as long as its slowest
-- matching span (with no filter on spans, that is the root). Their count, the 95th percentile (the
-- default threshold), how many reach the threshold (a given one when not 0, else that percentile),
-- and a histogram in quarter-octave buckets: bucket b holds durations in [2^(b/4), 2^((b+1)/4)) ns.
SELECT count() AS traces,
       toString(toUInt64(quantileExact(0.95)(d))) AS p95Ns,
       if({threshold:UInt64} = 0, toUInt64(quantileExact(0.95)(d)), {threshold:UInt64}) AS cut,
       toString(cut) AS thresholdNs,
       arrayCount(x -> x >= cut, groupArray(d)) AS slow,
       sumMap(map(toUInt16(floor(log2(greatest(d, 1)) * 4)), toUInt64(1))) AS histogram
FROM (
  SELECT max(Duration) AS d FROM {db:Identifier}.otel_traces
  WHERE /*include range*/ /*optional service*/ /*optional operation*/ /*optional minDuration*/ /*optional maxDuration*/ /*optional status*/ /*each attributes*/
  GROUP BY TraceId
)
