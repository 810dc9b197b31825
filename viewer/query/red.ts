/** Rate, errors and duration (RED) rows of a service to the API's series and histogram. */
import type { RedPoint, RedResponse } from '../api/types';
import { powersOfTwo, quantile, sum, type LatencyHistogram } from './latency-histogram';

/** One time bucket: its calls, errors and latency histogram. */
export interface RedSeriesRow {
  t: number;
  calls: number;
  errors: number;
  latency: LatencyHistogram;
}

export interface RedRows {
  service: string;
  operation: string | undefined;
  bucketSeconds: number;
  series: RedSeriesRow[];
}

function toRedPoint(row: RedSeriesRow, bucketSeconds: number): RedPoint {
  const { calls, errors } = row;
  const [p50, p90, p95, p99] = [0.5, 0.9, 0.95, 0.99].map((q) => Math.round(quantile(row.latency, q)));
  return { t: row.t, calls, rate: calls / bucketSeconds, errors, errorRate: calls === 0 ? 0 : errors / calls, p50Ns: p50!, p90Ns: p90!, p95Ns: p95!, p99Ns: p99! };
}

/** The series, and the histogram of the whole range on power-of-two buckets (the series' histograms summed). */
export function toRed(rows: RedRows): RedResponse {
  const whole = sum(rows.series.map((r) => r.latency));
  return {
    service: rows.service,
    operation: rows.operation,
    bucketSeconds: rows.bucketSeconds,
    series: rows.series.map((r) => toRedPoint(r, rows.bucketSeconds)),
    histogram: powersOfTwo(whole).map((h) => ({ leNs: h.le, count: h.count })),
  };
}
