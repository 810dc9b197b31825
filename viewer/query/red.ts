/** Rate, errors and duration (RED) rows of a service to the API's series and histogram. */
import type { RedPoint, RedResponse } from '../api/types';

/** One time bucket as the store returns it: 64-bit counts as strings, quantiles p50, p90, p95, p99. */
export interface RedSeriesRow {
  t: string;
  calls: string;
  errors: string;
  q: [number, number, number, number];
}

/** One histogram bucket: spans whose duration is at most `le` nanoseconds. */
export interface RedHistogramRow {
  le: string;
  count: string;
}

export interface RedRows {
  service: string;
  operation: string | undefined;
  bucketSeconds: number;
  series: RedSeriesRow[];
  histogram: RedHistogramRow[];
}

function toRedPoint(row: RedSeriesRow, bucketSeconds: number): RedPoint {
  const calls = Number(row.calls);
  const errors = Number(row.errors);
  const [p50, p90, p95, p99] = row.q.map((v) => Math.round(v));
  return { t: Number(row.t), calls, rate: calls / bucketSeconds, errors, errorRate: calls === 0 ? 0 : errors / calls, p50Ns: p50!, p90Ns: p90!, p95Ns: p95!, p99Ns: p99! };
}

export function toRed(rows: RedRows): RedResponse {
  return {
    service: rows.service,
    operation: rows.operation,
    bucketSeconds: rows.bucketSeconds,
    series: rows.series.map((r) => toRedPoint(r, rows.bucketSeconds)),
    histogram: rows.histogram.map((h) => ({ leNs: Number(h.le), count: Number(h.count) })),
  };
}
