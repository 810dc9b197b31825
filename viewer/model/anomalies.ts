/**
 * Latency anomaly scoring, as pure functions over aggregates the store computes.
 * Durations are compared on a log scale, where lognormal jitter is a normal
 * distribution: the baseline of an operation is the median and a robust spread
 * of its log-durations (the interquartile range / 1.349, σ for normal data).
 *
 * Why counts are tested against the expected tail, not flagged span by span:
 * steady lognormal traffic puts 2.3% of spans beyond 2σ and 0.13% beyond 3σ by
 * itself. An operation is reported only when it has clearly more of them than
 * its own spread explains, so quiet and steady operations stay quiet.
 */

export type Severity = 'minor' | 'warning' | 'critical';

export interface OperationBaseline {
  service: string;
  operation: string;
  samples: number;
  /** Median of ln(duration ns). */
  logMedian: number;
  /** Interquartile range of ln(duration) / 1.349: σ for normal data, robust to outliers. */
  logSigma: number;
  p50Ns: number;
  p95Ns: number;
  errorRate: number;
}

/** Spans of one operation in the window beyond 2σ, 3σ and 5σ above its baseline. */
export interface TailCounts {
  spans: number;
  over2: number;
  over3: number;
  over5: number;
}

/** Normal upper-tail probabilities at 2σ, 3σ and 5σ. */
const TAIL = { over2: 0.02275, over3: 0.00135, over5: 2.9e-7 };

export function spanSeverity(counts: TailCounts): Severity | undefined {
  const expected = (p: number): number => p * counts.spans;
  if (counts.over5 >= 3 && counts.over5 > 10 * expected(TAIL.over5)) return 'critical';
  if (counts.over3 >= Math.max(5, 4 * expected(TAIL.over3))) return 'warning';
  if (counts.over2 >= Math.max(10, 2 * expected(TAIL.over2))) return 'minor';
  return undefined;
}

/** σ distance of a duration from the baseline (0 when the baseline has no spread). */
export function zScore(durationNs: number, baseline: Pick<OperationBaseline, 'logMedian' | 'logSigma'>): number {
  const sigma = Math.max(baseline.logSigma, 0.01);
  return (Math.log(Math.max(durationNs, 1)) - baseline.logMedian) / sigma;
}

/**
 * The baseline's p50 and p95 from its median and spread, not from raw quantiles:
 * when the baseline period contains the incident itself (all the data there is),
 * a raw p95 would already sit in the incident.
 */
export function robustQuantiles(b: Pick<OperationBaseline, 'logMedian' | 'logSigma'>): { p50Ns: number; p95Ns: number } {
  return { p50Ns: Math.exp(b.logMedian), p95Ns: Math.exp(b.logMedian + 1.645 * b.logSigma) };
}

export interface BucketStats {
  /** Bucket start, Unix seconds. */
  t: number;
  calls: number;
  errors: number;
  /** Median of ln(duration) in the bucket. */
  logMedian: number;
  p50Ns: number;
  p95Ns: number;
}

export interface WindowJudgement {
  latency: boolean;
  errors: boolean;
  /** p95 in the bucket over p95 in the baseline. */
  ratio: number;
}

/** Buckets with fewer calls than this are never judged: quiet operations raise no noise. */
export const MIN_BUCKET_CALLS = 20;

/**
 * A bucket departs from the baseline when the shift of its median is both
 * significant (more than 4 standard errors of a median) and large (p95 at least
 * 1.5× the baseline's), or when its errors are significantly and materially above
 * the baseline error rate.
 */
export function judgeBucket(bucket: BucketStats, baseline: OperationBaseline): WindowJudgement {
  const ratio = bucket.p95Ns / Math.max(1, robustQuantiles(baseline).p95Ns);
  if (bucket.calls < MIN_BUCKET_CALLS) return { latency: false, errors: false, ratio };
  const standardError = (1.2533 * Math.max(baseline.logSigma, 0.01)) / Math.sqrt(bucket.calls);
  const latency = (bucket.logMedian - baseline.logMedian) / standardError > 4 && ratio >= 1.5;
  const p0 = baseline.errorRate;
  const rate = bucket.errors / bucket.calls;
  const z = (bucket.errors - bucket.calls * p0) / Math.sqrt(bucket.calls * Math.max(p0 * (1 - p0), 0.0025));
  return { latency, errors: z > 4 && rate >= p0 + 0.05, ratio };
}

export function windowSeverity(ratio: number, errors: boolean): Severity {
  if (ratio >= 10) return 'critical';
  if (ratio >= 3 || errors) return 'warning';
  return 'minor';
}

export interface Stretch<T> {
  from: number;
  to: number;
  buckets: T[];
}

/** Consecutive flagged buckets become one stretch, so one incident is one item. */
export function stretches<T extends { t: number }>(buckets: T[], bucketSeconds: number): Stretch<T>[] {
  const out: Stretch<T>[] = [];
  for (const b of [...buckets].sort((x, y) => x.t - y.t)) {
    const last = out[out.length - 1];
    if (last && b.t - last.to <= bucketSeconds) {
      last.to = b.t + bucketSeconds;
      last.buckets.push(b);
    } else out.push({ from: b.t, to: b.t + bucketSeconds, buckets: [b] });
  }
  return out;
}
