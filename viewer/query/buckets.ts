/**
 * How wide a time bucket is for a range: the RED charts and the anomaly analysis
 * cut the same range differently, so each has its own ladder of bucket sizes.
 */
import type { TimeRange } from '../api/params';

/** About 60 points per chart: the smallest of these bucket sizes that keeps to it. */
const CHART_BUCKETS = [10, 30, 60, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 86_400];

/** Anomaly buckets are finer than chart buckets: a five-minute incident must span several. */
const ANOMALY_BUCKETS = [60, 300, 900, 3600];

function seconds(range: TimeRange): number {
  return Number((range.endNs - range.startNs) / 1_000_000_000n);
}

/** The RED chart's bucket, in seconds. */
export function bucketFor(range: TimeRange): number {
  return CHART_BUCKETS.find((b) => seconds(range) / b <= 60) ?? 86_400;
}

/** The anomaly analysis' bucket, in seconds: at most about 240 per range. */
export function anomalyBucketFor(range: TimeRange): number {
  return ANOMALY_BUCKETS.find((b) => seconds(range) / b <= 240) ?? 3600;
}
