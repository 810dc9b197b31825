import { BUCKETS_PER_DOUBLING, type LatencyHistogram } from '../../../../viewer/query/latency-histogram';
import { toRed, type RedSeriesRow } from '../../../../viewer/query/red';

/** Every span of a histogram in the bucket of `ns`. */
const at = (ns: number, count: number): LatencyHistogram => ({ buckets: [Math.floor(BUCKETS_PER_DOUBLING * Math.log2(ns))], counts: [count] });
const row = (overrides: Partial<RedSeriesRow>): RedSeriesRow => ({ t: 1_700_000_000, calls: 10, errors: 1, latency: at(50e6, 10), ...overrides });

test('each bucket: calls per second over the bucket, the error rate, and whole-nanosecond percentiles from its histogram', () => {
  const [point] = toRed({ service: 'shop', operation: undefined, bucketSeconds: 30, series: [row({})] }).series;
  expect(point).toMatchObject({ t: 1_700_000_000, calls: 10, rate: 10 / 30, errors: 1, errorRate: 0.1 });
  for (const p of [point!.p50Ns, point!.p90Ns, point!.p95Ns, point!.p99Ns]) {
    expect(Number.isInteger(p)).toBe(true);
    expect(Math.abs(p / 50e6 - 1)).toBeLessThan(0.19);
  }
  expect(point!.p50Ns).toBeLessThanOrEqual(point!.p99Ns);
});

test('a bucket without calls has an error rate of 0, not NaN', () => {
  const [point] = toRed({ service: 'shop', operation: undefined, bucketSeconds: 60, series: [row({ calls: 0, errors: 0, latency: { buckets: [], counts: [] } })] }).series;
  expect(point).toMatchObject({ calls: 0, rate: 0, errorRate: 0 });
});

test('the histogram is the whole range on power-of-two buckets: the series summed', () => {
  const red = toRed({
    service: 'shop',
    operation: 'GET /b',
    bucketSeconds: 10,
    series: [row({ latency: at(1.5 * 2 ** 29, 3) }), row({ t: 1_700_000_010, latency: { buckets: [...at(1.5 * 2 ** 29, 1).buckets, ...at(1.2 * 2 ** 30, 1).buckets], counts: [1, 1] } })],
  });
  expect(red).toMatchObject({ service: 'shop', operation: 'GET /b', bucketSeconds: 10 });
  expect(red.histogram).toEqual([
    { leNs: 2 ** 30, count: 4 },
    { leNs: 2 ** 31, count: 1 },
  ]);
});
