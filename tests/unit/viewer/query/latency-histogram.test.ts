import { BUCKETS_PER_DOUBLING, countAbove, difference, EMPTY, histogramOf, logStats, powersOfTwo, quantile, sum, total, type LatencyHistogram } from '../../../../viewer/query/latency-histogram';

/** What the rollup's SQL does to a span: floor(4 * log2(max(d, 1))). */
const bucketOf = (ns: number): number => Math.floor(BUCKETS_PER_DOUBLING * Math.log2(Math.max(ns, 1)));

function histogram(durations: number[]): LatencyHistogram {
  const counts = new Map<number, number>();
  for (const d of durations) counts.set(bucketOf(d), (counts.get(bucketOf(d)) ?? 0) + 1);
  const buckets = [...counts.keys()].sort((a, b) => a - b);
  return { buckets, counts: buckets.map((b) => counts.get(b)!) };
}

/** A seeded lognormal sample: median 20 ms, σ 0.5 of ln. */
function lognormal(n: number, seed = 7): number[] {
  let s = seed;
  const uniform = (): number => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return (s + 1) / (2 ** 31 + 1);
  };
  return Array.from({ length: n }, () => Math.exp(Math.log(20e6) + 0.5 * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())));
}

const exact = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

test('quantiles read from the histogram stay within a few percent of the exact ones', () => {
  const sample = lognormal(20_000);
  const sorted = [...sample].sort((a, b) => a - b);
  const h = histogram(sample);
  for (const q of [0.25, 0.5, 0.9, 0.95, 0.99]) expect(Math.abs(quantile(h, q) / exact(sorted, q) - 1)).toBeLessThan(0.05);
});

test('the median and spread of ln(duration) come out of the histogram', () => {
  const { logMedian, logSigma } = logStats(histogram(lognormal(20_000)));
  expect(Math.abs(logMedian - Math.log(20e6))).toBeLessThan(0.03);
  expect(Math.abs(logSigma - 0.5)).toBeLessThan(0.05);
});

test('spans above a duration are counted, interpolating inside the bucket it falls in', () => {
  const sample = lognormal(20_000);
  const h = histogram(sample);
  for (const threshold of [10e6, 20e6, 40e6, 80e6]) {
    const truth = sample.filter((d) => d > threshold).length;
    expect(Math.abs(countAbove(h, threshold) - truth)).toBeLessThan(0.03 * sample.length);
  }
  expect(countAbove(h, 1e15)).toBe(0);
  expect(countAbove(h, 1)).toBe(total(h));
});

test('histograms add up, and read the same from ClickHouse JSON (counts as strings or numbers)', () => {
  const a = histogramOf([100, 101], ['3', 1]);
  const b = histogramOf(['99', 101], ['5', '2']);
  expect(sum([a, b, EMPTY])).toEqual({ buckets: [99, 100, 101], counts: [5, 3, 3] });
  expect(total(a)).toBe(4);
  const sample = lognormal(1000);
  expect(sum([histogram(sample.slice(0, 400)), histogram(sample.slice(400))])).toEqual(histogram(sample));
});

test('a part taken out of a sum leaves the rest, and no bucket goes below zero', () => {
  const a = histogramOf([10, 20, 30], [1, 2, 3]);
  const b = histogramOf([20, 40], [5, 1]);
  const c = histogramOf([5], [7]);
  expect(difference(sum([a, b, c]), sum([b, c]))).toEqual(a);
  expect(difference(sum([a, b]), a)).toEqual(b);
  // Spans stored between the two reads: the part holds more than the whole did.
  expect(difference(a, histogramOf([10, 20, 50], [4, 1, 2]))).toEqual(histogramOf([20, 30], [1, 3]));
  expect(difference(a, a)).toEqual(EMPTY);
});

test('an empty histogram has no quantiles', () => {
  expect(quantile(EMPTY, 0.5)).toBeNaN();
});

test('on power-of-two buckets, le is the upper bound of the doubling', () => {
  expect(powersOfTwo(histogram([3, 5, 6, 1000]))).toEqual([
    { le: 4, count: 1 },
    { le: 8, count: 2 },
    { le: 1024, count: 1 },
  ]);
});
