/**
 * GET /api/v1/anomalies: span outliers and window regressions of each operation
 * in a time range, against a baseline from the trailing window (default 7 days,
 * or whatever data exists), ranked by impact.
 */
import { judgeBucket, robustQuantiles, spanSeverity, stretches, windowSeverity, type BucketStats, type OperationBaseline, type Severity } from '../model/anomalies';
import type { TimeRange } from '../api/params';
import type { AnomaliesResponse, AnomalyItem } from '../api/types';
import { countAbove, quantile, logStats, sum, total, type LatencyHistogram } from './latency-histogram';
import type { Queries } from './queries';

/**
 * An operation needs this many baseline spans to be judged at all: its spread comes from the
 * interquartile range, and over fewer spans the quartiles move more than the tails being judged.
 */
export const MIN_BASELINE_SAMPLES = 50;

const SEVERITY_RANK: Record<Severity, number> = { critical: 3, warning: 2, minor: 1 };

export async function findAnomalies(queries: Queries, range: TimeRange, baselineDays: number, bucketSeconds: number): Promise<AnomaliesResponse> {
  const baseStartNs = range.startNs - BigInt(baselineDays) * 86_400_000_000_000n;
  const [baseRows, windowRows] = await Promise.all([queries.baselines(range, baseStartNs, MIN_BASELINE_SAMPLES), queries.operationWindows(range, bucketSeconds)]);
  const key = (service: string, operation: string): string => `${service}\u0000${operation}`;
  const baselines = new Map<string, OperationBaseline>(
    baseRows.map((r) => [
      key(r.service, r.operation),
      { service: r.service, operation: r.operation, samples: Number(r.samples), logMedian: r.logMedian, logSigma: r.logSigma, p50Ns: r.p50, p95Ns: r.p95, errorRate: r.errorRate },
    ]),
  );
  const buckets = new Map<string, (BucketStats & { examples: string[]; latency: LatencyHistogram; slowest: { traceId: string; durationNs: number } })[]>();
  for (const r of windowRows) {
    const list = buckets.get(key(r.service, r.operation)) ?? [];
    const { logMedian } = logStats(r.latency);
    list.push({
      t: r.t,
      calls: r.calls,
      errors: r.errors,
      logMedian,
      p50Ns: quantile(r.latency, 0.5),
      p95Ns: quantile(r.latency, 0.95),
      examples: [r.slowest.traceId],
      latency: r.latency,
      slowest: r.slowest,
    });
    buckets.set(key(r.service, r.operation), list);
  }
  const sparkline = (k: string): { t: number; p95Ns: number }[] => (buckets.get(k) ?? []).map((b) => ({ t: b.t, p95Ns: Math.round(b.p95Ns) }));
  const baselineOf = (b: OperationBaseline): AnomalyItem['baseline'] => {
    const q = robustQuantiles(b);
    return { p50Ns: Math.round(q.p50Ns), p95Ns: Math.round(q.p95Ns), errorRate: b.errorRate, samples: b.samples };
  };
  const items: AnomalyItem[] = [];

  for (const r of spanTails(baselines, buckets)) {
    const k = key(r.service, r.operation);
    const baseline = baselines.get(k);
    const severity = spanSeverity(r);
    if (!baseline || !severity) continue;
    const outlierDurations = r.examples.map((e) => e[2]);
    const outliers = severity === 'critical' ? r.over5 : severity === 'warning' ? r.over3 : r.over2;
    const typical = outlierDurations.length > 0 ? outlierDurations[Math.floor(outlierDurations.length / 2)]! : baseline.p95Ns;
    items.push({
      service: r.service,
      operation: r.operation,
      kind: 'span',
      severity,
      impact: Math.max(0, typical - robustQuantiles(baseline).p50Ns) * outliers,
      baseline: baselineOf(baseline),
      observed: { p50Ns: Math.round(typical), p95Ns: Math.round(Math.max(...outlierDurations, 0)), errorRate: 0, calls: r.spans, outliers },
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

/** How far beyond its baseline a span must be, in σ of log-duration, to count as a tail of each tier. */
const TAIL_Z = [2, 3, 5] as const;

/**
 * Per operation with a baseline, over the range: its spans, how many lie beyond 2σ, 3σ
 * and 5σ of the baseline (read from the summed histograms), and as examples the slowest
 * span of each bucket beyond 2σ, worst first: [z, trace id, duration ns].
 */
function spanTails(
  baselines: ReadonlyMap<string, OperationBaseline>,
  buckets: ReadonlyMap<string, { latency: LatencyHistogram; slowest: { traceId: string; durationNs: number } }[]>,
): { service: string; operation: string; spans: number; over2: number; over3: number; over5: number; examples: [number, string, number][] }[] {
  const tails = [];
  for (const [k, list] of buckets) {
    const b = baselines.get(k);
    if (b === undefined) continue;
    const sigma = Math.max(b.logSigma, 0.01);
    const whole = sum(list.map((x) => x.latency));
    const [over2, over3, over5] = TAIL_Z.map((z) => Math.round(countAbove(whole, Math.exp(b.logMedian + z * sigma))));
    const examples = list
      .map((x): [number, string, number] => [(Math.log(Math.max(x.slowest.durationNs, 1)) - b.logMedian) / sigma, x.slowest.traceId, x.slowest.durationNs])
      .filter(([z]) => z > TAIL_Z[0])
      .sort((x, y) => y[0] - x[0])
      .slice(0, 5);
    tails.push({ service: b.service, operation: b.operation, spans: total(whole), over2: over2!, over3: over3!, over5: over5!, examples });
  }
  return tails;
}
