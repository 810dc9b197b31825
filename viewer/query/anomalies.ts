/**
 * GET /api/v1/anomalies: span outliers and window regressions of each operation
 * in a time range, against a baseline from the trailing window (default 7 days,
 * or whatever data exists), ranked by impact.
 */
import { judgeBucket, robustQuantiles, spanSeverity, stretches, windowSeverity, type BucketStats, type OperationBaseline, type Severity } from '../model/anomalies';
import type { TimeRange } from '../api/params';
import type { AnomaliesResponse, AnomalyItem } from '../api/types';
import type { Queries } from './queries';

/**
 * An operation needs this many baseline spans to be judged at all: its spread comes from the
 * interquartile range, and over fewer spans the quartiles move more than the tails being judged.
 */
export const MIN_BASELINE_SAMPLES = 50;

const SEVERITY_RANK: Record<Severity, number> = { critical: 3, warning: 2, minor: 1 };

export async function findAnomalies(queries: Queries, range: TimeRange, baselineDays: number, bucketSeconds: number): Promise<AnomaliesResponse> {
  const baseStartNs = range.startNs - BigInt(baselineDays) * 86_400_000_000_000n;
  const [baseRows, bucketRows] = await Promise.all([queries.baselines(range, baseStartNs, MIN_BASELINE_SAMPLES), queries.operationBuckets(range, bucketSeconds)]);
  const tailRows = await queries.spanTails(range, baseRows);
  const key = (service: string, operation: string): string => `${service}\u0000${operation}`;
  const baselines = new Map<string, OperationBaseline>(
    baseRows.map((r) => [
      key(r.service, r.operation),
      { service: r.service, operation: r.operation, samples: Number(r.samples), logMedian: r.logMedian, logSigma: r.logSigma, p50Ns: r.p50, p95Ns: r.p95, errorRate: r.errorRate },
    ]),
  );
  const buckets = new Map<string, (BucketStats & { examples: string[] })[]>();
  for (const r of bucketRows) {
    const list = buckets.get(key(r.service, r.operation)) ?? [];
    list.push({ t: Number(r.t), calls: Number(r.calls), errors: Number(r.errors), logMedian: r.logMedian, p50Ns: r.p50, p95Ns: r.p95, examples: r.examples });
    buckets.set(key(r.service, r.operation), list);
  }
  const sparkline = (k: string): { t: number; p95Ns: number }[] => (buckets.get(k) ?? []).map((b) => ({ t: b.t, p95Ns: Math.round(b.p95Ns) }));
  const baselineOf = (b: OperationBaseline): AnomalyItem['baseline'] => {
    const q = robustQuantiles(b);
    return { p50Ns: Math.round(q.p50Ns), p95Ns: Math.round(q.p95Ns), errorRate: b.errorRate, samples: b.samples };
  };
  const items: AnomalyItem[] = [];

  for (const r of tailRows) {
    const k = key(r.service, r.operation);
    const baseline = baselines.get(k);
    const severity = spanSeverity({ spans: Number(r.spans), over2: Number(r.over2), over3: Number(r.over3), over5: Number(r.over5) });
    if (!baseline || !severity) continue;
    const outlierDurations = r.examples.map((e) => Number(e[2]));
    const outliers = severity === 'critical' ? Number(r.over5) : severity === 'warning' ? Number(r.over3) : Number(r.over2);
    const typical = outlierDurations.length > 0 ? outlierDurations[Math.floor(outlierDurations.length / 2)]! : baseline.p95Ns;
    items.push({
      service: r.service,
      operation: r.operation,
      kind: 'span',
      severity,
      impact: Math.max(0, typical - robustQuantiles(baseline).p50Ns) * outliers,
      baseline: baselineOf(baseline),
      observed: { p50Ns: Math.round(typical), p95Ns: Math.round(Math.max(...outlierDurations, 0)), errorRate: 0, calls: Number(r.spans), outliers },
      exampleTraceIds: [...new Set(r.examples.map((e) => e[1]))],
      sparkline: sparkline(k),
    });
  }

  for (const [k, list] of buckets) {
    const baseline = baselines.get(k);
    if (!baseline) continue;
    const flagged = list.map((b) => ({ ...b, judgement: judgeBucket(b, baseline) })).filter((b) => b.judgement.latency || b.judgement.errors);
    for (const stretch of stretches(flagged, bucketSeconds)) {
      const calls = stretch.buckets.reduce((n, b) => n + b.calls, 0);
      const errors = stretch.buckets.reduce((n, b) => n + b.errors, 0);
      const ratio = Math.max(...stretch.buckets.map((b) => b.judgement.ratio));
      const p50 = stretch.buckets.reduce((n, b) => n + b.p50Ns * b.calls, 0) / calls;
      items.push({
        service: baseline.service,
        operation: baseline.operation,
        kind: 'window',
        severity: windowSeverity(
          ratio,
          stretch.buckets.some((b) => b.judgement.errors),
        ),
        impact: Math.max(0, p50 - robustQuantiles(baseline).p50Ns) * calls + (errors / calls > baseline.errorRate ? (errors - calls * baseline.errorRate) * robustQuantiles(baseline).p95Ns : 0),
        baseline: baselineOf(baseline),
        observed: { p50Ns: Math.round(p50), p95Ns: Math.round(Math.max(...stretch.buckets.map((b) => b.p95Ns))), errorRate: errors / calls, calls },
        from: stretch.from,
        to: stretch.to,
        exampleTraceIds: [...new Set(stretch.buckets.flatMap((b) => b.examples))].slice(0, 5),
        sparkline: sparkline(k),
      });
    }
  }
  items.sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.impact - a.impact);
  return { items, bucketSeconds, baselineStart: Number(baseStartNs / 1_000_000_000n) };
}
