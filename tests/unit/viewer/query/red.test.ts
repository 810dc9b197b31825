import { toRed, type RedSeriesRow } from '../../../../viewer/query/red';

const row = (overrides: Partial<RedSeriesRow>): RedSeriesRow => ({ t: '1700000000', calls: '10', errors: '1', q: [50e6, 90e6, 95e6, 99e6], ...overrides });

test('each bucket: calls per second over the bucket, the error rate, and whole-nanosecond percentiles', () => {
  const red = toRed({ service: 'shop', operation: undefined, bucketSeconds: 30, series: [row({ q: [50_000_000.4, 90_000_000.6, 95e6, 99e6] })], histogram: [] });
  expect(red.series).toEqual([{ t: 1_700_000_000, calls: 10, rate: 10 / 30, errors: 1, errorRate: 0.1, p50Ns: 50_000_000, p90Ns: 90_000_001, p95Ns: 95e6, p99Ns: 99e6 }]);
});

test('a bucket without calls has an error rate of 0, not NaN', () => {
  const [point] = toRed({ service: 'shop', operation: undefined, bucketSeconds: 60, series: [row({ calls: '0', errors: '0' })], histogram: [] }).series;
  expect(point).toMatchObject({ calls: 0, rate: 0, errorRate: 0 });
});

test('the service, operation and bucket come back as asked, and histogram buckets as numbers', () => {
  const red = toRed({
    service: 'shop',
    operation: 'GET /b',
    bucketSeconds: 10,
    series: [],
    histogram: [
      { le: '1073741824', count: '4' },
      { le: '2147483648', count: '1' },
    ],
  });
  expect(red).toEqual({
    service: 'shop',
    operation: 'GET /b',
    bucketSeconds: 10,
    series: [],
    histogram: [
      { leNs: 2 ** 30, count: 4 },
      { leNs: 2 ** 31, count: 1 },
    ],
  });
});

test("counts that chDB returns as numbers read the same as a server's strings", () => {
  const fromChdb = { t: 1_700_000_000, calls: 10, errors: 1, q: [1, 2, 3, 4] } as unknown as RedSeriesRow;
  const fromServer = row({ q: [1, 2, 3, 4] });
  const shape = (r: RedSeriesRow): unknown => toRed({ service: 's', operation: undefined, bucketSeconds: 30, series: [r], histogram: [] }).series;
  expect(shape(fromChdb)).toEqual(shape(fromServer));
});
