-- One row per operation over the range: each bucket's calls, errors, p50, p95 and slowest
-- duration (ns), ascending by its start t (Unix seconds), and the whole range's latency
-- histogram, ordered by operation. The anomaly analysis judges windows and counts span tails from these rows, and
-- reads histograms and trace ids only of the buckets it picks (operation-window-details.sql):
-- a day of 15-minute buckets is a few numbers each, not a histogram each.
-- The quantiles are latency-histogram.ts's quantile(): the bucket b holding the q·n-th span
-- (b's spans lie in [2^(b/8), 2^((b+1)/8)) ns), interpolated geometrically inside it.
SELECT service, operation,
       arraySort(w -> w.1, groupArray((t, toFloat64(calls), toFloat64(errors), p50, p95, toFloat64(slowest.2)))) AS windows,
       mapKeys(sumMap(latency)) AS buckets, mapValues(sumMap(latency)) AS counts
FROM (
  SELECT *, mapKeys(latency) AS b, mapValues(latency) AS c, arrayCumSum(c) AS seen, seen[-1] AS n,
         arrayFirstIndex(s -> s >= 0.5 * n, seen) AS i50, arrayFirstIndex(s -> s >= 0.95 * n, seen) AS i95,
         exp2((b[i50] + (0.5 * n - seen[i50] + c[i50]) / c[i50]) / 8) AS p50,
         exp2((b[i95] + (0.95 * n - seen[i95] + c[i95]) / c[i95]) / 8) AS p95
  FROM (/*choice buckets*/)
)
GROUP BY service, operation ORDER BY service, operation
