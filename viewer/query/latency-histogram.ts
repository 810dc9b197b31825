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

/** bucket → span count. */
export type LatencyHistogram = Map<number, number>;

/** A histogram as ClickHouse returns a Map(UInt16, UInt64) in JSON: string keys, counts as numbers or strings. */
export function histogramOf(row: Record<string, number | string>): LatencyHistogram {
  const h: LatencyHistogram = new Map();
  for (const [bucket, count] of Object.entries(row)) h.set(Number(bucket), Number(count));
  return h;
}

export function addInto(into: LatencyHistogram, h: LatencyHistogram): LatencyHistogram {
  for (const [bucket, count] of h) into.set(bucket, (into.get(bucket) ?? 0) + count);
  return into;
}

export function total(h: LatencyHistogram): number {
  let n = 0;
  for (const count of h.values()) n += count;
  return n;
}

const low = (bucket: number): number => 2 ** (bucket / BUCKETS_PER_DOUBLING);
const high = (bucket: number): number => 2 ** ((bucket + 1) / BUCKETS_PER_DOUBLING);

function sorted(h: LatencyHistogram): [number, number][] {
  return [...h].filter(([, count]) => count > 0).sort((a, b) => a[0] - b[0]);
}

/**
 * The q-quantile (0..1) in ns, interpolated geometrically inside its bucket (durations are
 * spread evenly in log space within one); NaN for an empty histogram.
 */
export function quantile(h: LatencyHistogram, q: number): number {
  const buckets = sorted(h);
  const n = buckets.reduce((sum, [, count]) => sum + count, 0);
  if (n === 0) return Number.NaN;
  const rank = Math.min(Math.max(q, 0), 1) * n;
  let seen = 0;
  for (const [bucket, count] of buckets) {
    if (seen + count >= rank) {
      const within = count === 0 ? 0 : (rank - seen) / count;
      return low(bucket) * (high(bucket) / low(bucket)) ** within;
    }
    seen += count;
  }
  const last = buckets.at(-1)![0];
  return high(last);
}

/** How many spans are slower than `ns`: whole buckets above it, and the share of its own bucket above it. */
export function countAbove(h: LatencyHistogram, ns: number): number {
  let n = 0;
  for (const [bucket, count] of h) {
    if (low(bucket) >= ns) n += count;
    else if (high(bucket) > ns) n += (count * Math.log(high(bucket) / ns)) / Math.log(high(bucket) / low(bucket));
  }
  return n;
}

/** The same spans on power-of-two buckets: `le` is the bucket's upper bound in ns, as the RED histogram draws it. */
export function powersOfTwo(h: LatencyHistogram): { le: number; count: number }[] {
  const byPower = new Map<number, number>();
  for (const [bucket, count] of h) {
    const power = Math.floor(bucket / BUCKETS_PER_DOUBLING) + 1;
    byPower.set(power, (byPower.get(power) ?? 0) + count);
  }
  return [...byPower].sort((a, b) => a[0] - b[0]).map(([power, count]) => ({ le: 2 ** power, count }));
}

/** Median and robust spread of ln(duration), the spread from the interquartile range (IQR / 1.349, as for a normal). */
export function logStats(h: LatencyHistogram): { logMedian: number; logSigma: number } {
  const q1 = Math.log(quantile(h, 0.25));
  const q3 = Math.log(quantile(h, 0.75));
  return { logMedian: Math.log(quantile(h, 0.5)), logSigma: (q3 - q1) / 1.349 };
}
