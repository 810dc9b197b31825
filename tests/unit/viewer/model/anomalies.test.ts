import { judgeBucket, robustQuantiles, spanSeverity, stretches, zScore, type OperationBaseline } from '../../../../viewer/model/anomalies';

const baseline: OperationBaseline = { service: 's', operation: 'o', samples: 1000, logMedian: Math.log(20e6), logSigma: 0.3, p50Ns: 20e6, p95Ns: 33e6, errorRate: 0.01 };

describe('span outliers are judged against the tail steady traffic has anyway', () => {
  test.each([
    ['steady lognormal: 2.3% beyond 2σ, 0.13% beyond 3σ', { spans: 1800, over2: 41, over3: 3, over5: 0 }, undefined],
    ['a few spans far out', { spans: 1800, over2: 50, over3: 40, over5: 36 }, 'critical'],
    ['many beyond 3σ', { spans: 1800, over2: 60, over3: 20, over5: 1 }, 'warning'],
    ['a doubled 2σ tail', { spans: 1800, over2: 100, over3: 4, over5: 0 }, 'minor'],
    ['a quiet operation', { spans: 12, over2: 2, over3: 1, over5: 1 }, undefined],
  ])('%s', (_name, counts, expected) => {
    expect(spanSeverity(counts)).toBe(expected);
  });
});

test('z-scores are in σ of log-duration', () => {
  expect(zScore(20e6, baseline)).toBeCloseTo(0);
  expect(zScore(20e6 * Math.exp(0.9), baseline)).toBeCloseTo(3);
});

test('a bucket is a regression only when significant and large, and quiet buckets never are', () => {
  const bucket = (medianFactor: number, calls: number, errors = 0): Parameters<typeof judgeBucket>[0] => ({
    t: 0,
    calls,
    errors,
    logMedian: baseline.logMedian + Math.log(medianFactor),
    p50Ns: 20e6 * medianFactor,
    p95Ns: robustQuantiles(baseline).p95Ns * medianFactor,
  });
  expect(judgeBucket(bucket(10, 30), baseline).latency).toBe(true);
  expect(judgeBucket(bucket(1.1, 3000), baseline).latency).toBe(false);
  expect(judgeBucket(bucket(10, 5), baseline).latency).toBe(false);
  expect(judgeBucket(bucket(1, 100, 30), baseline).errors).toBe(true);
  expect(judgeBucket(bucket(1, 100, 2), baseline).errors).toBe(false);
});

test('consecutive flagged buckets make one stretch; a gap of one bucket is bridged', () => {
  const s = stretches([{ t: 0 }, { t: 60 }, { t: 180 }, { t: 600 }], 60);
  expect(s.map((x) => [x.from, x.to])).toEqual([
    [0, 240],
    [600, 660],
  ]);
});
