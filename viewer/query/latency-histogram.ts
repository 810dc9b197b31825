/**
 * Latency histograms as the rollups store them (storage/sql/schema/views/select/
 * hindsight_operations_1m.sql): span counts per log bucket, bucket b holding the
 * durations d (ns) with floor(8 · log2(max(d, 1))) = b, i.e. [2^(b/8), 2^((b+1)/8)).
 * Eight buckets per doubling keep any quantile read from a histogram within 9% of
 * the exact one at worst, and within a few percent once interpolated inside the
 * bucket; histograms of any minutes add up, so a week's baseline is a sum. Eight
 * rather than four: a tight operation (σ of ln(duration) 0.05, a cached query) still
 * spans several buckets, so its spread, and the z-scores judged by it, hold.
 */

export const BUCKETS_PER_DOUBLING = 8;

/**
 * Span counts per bucket, the buckets ascending: the shape ClickHouse returns a summed
 * Map(UInt16, UInt64) in as mapKeys / mapValues, read without building a map.
 */
export interface LatencyHistogram {
  buckets: number[];
  counts: number[];
}

export const EMPTY: LatencyHistogram = { buckets: [], counts: [] };

/** A histogram as the queries return it: mapKeys and mapValues of a sumMap (ascending keys; 64-bit counts as numbers or strings). */
export function histogramOf(buckets: readonly (number | string)[], counts: readonly (number | string)[]): LatencyHistogram {
  return { buckets: buckets.map(Number), counts: counts.map(Number) };
}

/** Every bucket there can be: durations up to 2^64 ns. */
const DENSE_BUCKETS = BUCKETS_PER_DOUBLING * 64 + 1;

/** Adds `h`'s counts, times `sign`, into a dense array of every bucket. */
function addInto(dense: Float64Array, h: LatencyHistogram, sign = 1): void {
  for (let i = 0; i < h.buckets.length; i++) dense[h.buckets[i]!]! += sign * h.counts[i]!;
}

/** The buckets of a dense array that hold spans, ascending. */
function sparse(dense: Float64Array): LatencyHistogram {
  const out: LatencyHistogram = { buckets: [], counts: [] };
  dense.forEach((count, bucket) => {
    if (count > 0) {
      out.buckets.push(bucket);
      out.counts.push(count);
    }
  });
  return out;
}

/** The sum of histograms. */
export function sum(histograms: Iterable<LatencyHistogram>): LatencyHistogram {
  const dense = new Float64Array(DENSE_BUCKETS);
  for (const h of histograms) addInto(dense, h);
  return sparse(dense);
}

/**
 * `whole` without the spans of `part` (a sum of some of the histograms `whole` sums). A bucket
 * never goes below zero: spans stored between the two reads can make `part` the larger.
 */
export function difference(whole: LatencyHistogram, part: LatencyHistogram): LatencyHistogram {
  const dense = new Float64Array(DENSE_BUCKETS);
  addInto(dense, whole);
  addInto(dense, part, -1);
  return sparse(dense);
}

export function total(h: LatencyHistogram): number {
  let n = 0;
  for (const count of h.counts) n += count;
  return n;
}

const low = (bucket: number): number => 2 ** (bucket / BUCKETS_PER_DOUBLING);
const high = (bucket: number): number => 2 ** ((bucket + 1) / BUCKETS_PER_DOUBLING);

/**
 * The q-quantile (0..1) in ns, interpolated geometrically inside its bucket (durations are
 * spread evenly in log space within one); NaN for an empty histogram.
 */
export function quantile(h: LatencyHistogram, q: number): number {
  const n = total(h);
  if (n === 0) return Number.NaN;
  const rank = Math.min(Math.max(q, 0), 1) * n;
  let seen = 0;
  for (let i = 0; i < h.buckets.length; i++) {
    const bucket = h.buckets[i]!;
    const count = h.counts[i]!;
    if (count > 0 && seen + count >= rank) return low(bucket) * (high(bucket) / low(bucket)) ** ((rank - seen) / count);
    seen += count;
  }
  return high(h.buckets.at(-1)!);
}

/** How many spans are slower than `ns`: whole buckets above it, and the share of its own bucket above it. */
export function countAbove(h: LatencyHistogram, ns: number): number {
  let n = 0;
  for (let i = 0; i < h.buckets.length; i++) {
    const bucket = h.buckets[i]!;
    if (low(bucket) >= ns) n += h.counts[i]!;
    else if (high(bucket) > ns) n += (h.counts[i]! * Math.log(high(bucket) / ns)) / Math.log(high(bucket) / low(bucket));
  }
  return n;
}

/**
 * The time spans slower than `fromNs` spent beyond `overNs` (ns, summed): Σ (d − overNs) over
 * d > fromNs, each bucket's spans taken at its geometric middle (the part of the bucket above
 * `fromNs` at the middle of that part).
 */
export function excessAbove(h: LatencyHistogram, fromNs: number, overNs: number): number {
  let excess = 0;
  for (let i = 0; i < h.buckets.length; i++) {
    const bucket = h.buckets[i]!;
    if (high(bucket) <= fromNs) continue;
    const lo = Math.max(low(bucket), fromNs);
    const share = (h.counts[i]! * Math.log(high(bucket) / lo)) / Math.log(high(bucket) / low(bucket));
    excess += share * Math.max(0, Math.sqrt(lo * high(bucket)) - overNs);
  }
  return excess;
}

/** The same spans on power-of-two buckets: `le` is the bucket's upper bound in ns, as the RED histogram draws it. */
export function powersOfTwo(h: LatencyHistogram): { le: number; count: number }[] {
  const out: { le: number; count: number }[] = [];
  for (let i = 0; i < h.buckets.length; i++) {
    const le = 2 ** (Math.floor(h.buckets[i]! / BUCKETS_PER_DOUBLING) + 1);
    const last = out.at(-1);
    if (last?.le === le) last.count += h.counts[i]!;
    else out.push({ le, count: h.counts[i]! });
  }
  return out;
}

/** Median and robust spread of ln(duration), the spread from the interquartile range (IQR / 1.349, as for a normal). */
export function logStats(h: LatencyHistogram): { logMedian: number; logSigma: number } {
  const q1 = Math.log(quantile(h, 0.25));
  const q3 = Math.log(quantile(h, 0.75));
  return { logMedian: Math.log(quantile(h, 0.5)), logSigma: (q3 - q1) / 1.349 };
}
