import { MIN_BASELINE_SAMPLES } from '../../../../viewer/query/anomalies';
import {
  CRITICAL_Z,
  OUTLIER_HISTORY_NS,
  OUTLIER_MIN_SAMPLES,
  OUTLIER_WINDOW_NS,
  WARNING_Z,
  outlierBaselineRange,
  scoreOutliers,
  youngBefore,
  type OutlierBaseline,
} from '../../../../viewer/query/outliers';
import { makeApiSpan } from '../../../support/api-spans';

// An operation whose spans take 20 ms in the middle, with a spread of 0.3 in ln(duration).
const baseline: OutlierBaseline = { service: 'shop', operation: 'GET /a', logMedian: Math.log(20e6), logSigma: 0.3, since: 1_700_000_000, traces: 1000 };
/** A duration `z` σ above the baseline's median. */
const durationAt = (z: number): string => String(Math.round(20e6 * Math.exp(z * 0.3)));
const span = (spanId: string, z: number, overrides: Parameters<typeof makeApiSpan>[0] = {}): ReturnType<typeof makeApiSpan> =>
  makeApiSpan({ spanId, service: 'shop', name: 'GET /a', durationNs: durationAt(z), ...overrides });

test('the thresholds: an hour judged against a week, 50 samples, 3σ warns and 5σ is critical', () => {
  expect(OUTLIER_WINDOW_NS).toBe(3_600_000_000_000n);
  expect(OUTLIER_HISTORY_NS).toBe(7n * 86_400_000_000_000n);
  expect(OUTLIER_MIN_SAMPLES).toBe(50);
  expect(OUTLIER_MIN_SAMPLES).toBe(MIN_BASELINE_SAMPLES);
  expect([WARNING_Z, CRITICAL_Z]).toEqual([3, 5]);
});

test('the baselines query is asked for the hour up to now, with a week of history', () => {
  const nowMs = 1_700_000_000_000;
  const nowNs = BigInt(nowMs) * 1_000_000n;
  expect(outlierBaselineRange(nowMs)).toEqual({ window: { startNs: nowNs - OUTLIER_WINDOW_NS, endNs: nowNs }, historyStartNs: nowNs - OUTLIER_HISTORY_NS });
});

test('spans beyond WARNING_Z warn, beyond CRITICAL_Z are critical, and the rest are not outliers', () => {
  const spans = [span('typical', 0), span('at3', 2.99), span('over3', 3.2), span('at5', 4.99), span('over5', 5.5), span('faster', -6)];
  const outliers = scoreOutliers(spans, [baseline]);
  expect(outliers.map((o) => [o.spanId, o.severity])).toEqual([
    ['over3', 'warning'],
    ['at5', 'warning'],
    ['over5', 'critical'],
  ]);
});

test('z is rounded to a tenth and the baseline p50 is the median duration in whole nanoseconds', () => {
  const [outlier] = scoreOutliers([span('slow', 4.26)], [baseline]);
  expect(outlier).toEqual({ spanId: 'slow', z: 4.3, severity: 'warning', baselineP50Ns: 20_000_000 });
});

test('a span is judged only against its own operation of its own service', () => {
  const spans = [span('other-op', 6, { name: 'GET /b' }), span('other-service', 6, { service: 'cart' }), span('own', 6)];
  expect(scoreOutliers(spans, [baseline]).map((o) => o.spanId)).toEqual(['own']);
  expect(scoreOutliers(spans, [])).toEqual([]);
});

test('against a young baseline (shorter than the minimum age, or with few traces) a span is at most a warning', () => {
  const endNs = 1_700_000_000n * 1_000_000_000n + 1800n * 1_000_000_000n;
  const young = youngBefore(endNs, 3600);
  expect(young(baseline)).toBe(true);
  expect(young({ since: 1_700_000_000 - 3600, traces: 1000 })).toBe(false);
  expect(young({ since: 1_700_000_000 - 3600, traces: 10 })).toBe(true);
  expect(scoreOutliers([span('a', 6)], [baseline], young).map((o) => o.severity)).toEqual(['warning']);
  expect(scoreOutliers([span('a', 6)], [baseline]).map((o) => o.severity)).toEqual(['critical']);
});
