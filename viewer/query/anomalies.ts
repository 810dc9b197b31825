/**
 * GET /api/v1/anomalies: span outliers and window regressions of each operation
 * in a time range, against a baseline from the trailing window (default 7 days,
 * or whatever data exists), each pointed at its cause, ranked by impact. Only the
 * rollups are read over the range; spans only of the example traces.
 */
import {
  judgeBucket,
  robustQuantiles,
  spanSeverity,
  stretches,
  windowSeverity,
  zScore,
  type BucketStats,
  type OperationBaseline,
  type Severity,
  type Stretch,
  type TailCounts,
  type WindowJudgement,
} from '../model/anomalies';
import type { TimeRange } from '../api/params';
import type { AnomaliesResponse, AnomalyItem, OperationRef } from '../api/types';
import { attribute, groupByCause } from './anomaly-causes';
import { countAbove, difference, EMPTY, excessAbove, sum, total, type LatencyHistogram } from './latency-histogram';
import type { OperationBucket, OperationBucketDetail, Queries } from './queries';

/**
 * An operation needs this many baseline spans to be judged at all: its spread comes from the
 * interquartile range, and over fewer spans the quartiles move more than the tails being judged.
 */
export const MIN_BASELINE_SAMPLES = 50;

/** A baseline with fewer traces than this is young whatever its age: its spread is not yet known. */
export const MIN_BASELINE_TRACES = 30;

/** The severity a young baseline may give at most: it finds outliers, but cannot yet tell how rare they are. */
const YOUNG_CAP: Severity = 'warning';
const SEVERITY_RANK: Record<Severity, number> = { critical: 3, warning: 2, minor: 1 };

export interface AnomalyOptions {
  baselineDays: number;
  bucketSeconds: number;
  /** A baseline shorter than this (seconds, from its first span to the range's end) is young. */
  minBaselineSeconds: number;
}

type Bucket = BucketStats & OperationBucket;
type Baseline = OperationBaseline & { traces: number; since: number };

/** One operation's buckets judged: its window regressions, the buckets they cover, and the slowest spans of the rest worth showing. */
interface Judged {
  key: string;
  baseline: Baseline;
  buckets: Bucket[];
  latency: LatencyHistogram;
  stretches: Stretch<Bucket & { judgement: WindowJudgement }>[];
  /** Starts of the buckets whose spans belong to a window: the flagged ones and those either side. */
  inWindows: Set<number>;
  /** The buckets outside the windows whose slowest span lies beyond 2σ, the slowest first, at most five. */
  examples: Bucket[];
}

/**
 * Window regressions first, per operation: their buckets are then left out of its span
 * tails, since a span slow in a slow window is that window's, not an outlier of its own.
 * Each bucket is judged on its figures alone (query/operation-windows.sql); the histograms
 * and trace ids of only the buckets that make items are read after. Then each item is
 * pointed at its cause (anomaly-causes.ts), young baselines cap severity, and the list is
 * ranked by impact alone (README, "Anomalies").
 */
export async function findAnomalies(queries: Queries, range: TimeRange, options: AnomalyOptions): Promise<AnomaliesResponse> {
  const { baselineDays, bucketSeconds, minBaselineSeconds } = options;
  const baseStartNs = range.startNs - BigInt(baselineDays) * 86_400_000_000_000n;
  const endSeconds = Number(range.endNs / 1_000_000_000n);
  const [baseRows, windowRows] = await Promise.all([queries.baselines(range, baseStartNs, MIN_BASELINE_SAMPLES, minBaselineSeconds), queries.operationWindows(range, bucketSeconds)]);
  const key = (service: string, operation: string): string => `${service}\u0000${operation}`;
  const baselines = new Map<string, Baseline>(
    baseRows.map((r) => [
      key(r.service, r.operation),
      {
        service: r.service,
        operation: r.operation,
        samples: r.samples,
        traces: r.traces,
        since: r.since,
        logMedian: r.logMedian,
        logSigma: r.logSigma,
        p50Ns: r.p50,
        p95Ns: r.p95,
        errorRate: r.errorRate,
      },
    ]),
  );
  const buckets = new Map<string, Bucket[]>(windowRows.map((r) => [key(r.service, r.operation), r.buckets.map((b) => ({ ...b, logMedian: Math.log(b.p50Ns) }))]));
  const sparkline = (k: string): { t: number; p95Ns: number }[] => (buckets.get(k) ?? []).map((b) => ({ t: b.t, p95Ns: Math.round(b.p95Ns) }));
  const baselineOf = (b: Baseline): AnomalyItem['baseline'] => {
    const q = robustQuantiles(b);
    const young = endSeconds - b.since < minBaselineSeconds || b.traces < MIN_BASELINE_TRACES;
    return { p50Ns: Math.round(q.p50Ns), p95Ns: Math.round(q.p95Ns), errorRate: b.errorRate, samples: b.samples, traces: b.traces, since: b.since, young };
  };

  const judged: Judged[] = [];
  for (const row of windowRows) {
    const k = key(row.service, row.operation);
    const baseline = baselines.get(k);
    if (!baseline) continue;
    const list = buckets.get(k)!;
    const flagged = list.map((b) => ({ ...b, judgement: judgeBucket(b, baseline) })).filter((b) => b.judgement.latency || b.judgement.errors);
    const found = stretches(flagged, bucketSeconds);
    // The buckets either side too: a regression that starts or ends inside one leaves a few slow spans there.
    const inWindows = new Set(found.flatMap((s) => s.buckets.flatMap((b) => [b.t - bucketSeconds, b.t, b.t + bucketSeconds])));
    const examples = list
      .filter((b) => !inWindows.has(b.t) && zScore(b.slowestNs, baseline) > TAIL_Z[0])
      .sort((x, y) => y.slowestNs - x.slowestNs)
      .slice(0, 5);
    judged.push({ key: k, baseline, buckets: list, latency: row.latency, stretches: found, inWindows, examples });
  }

  // An operation without windows has its span tails in the whole range's histogram: its examples are read only when they make an item.
  const wanted = judged.flatMap((j) => {
    const windowed = j.stretches.length > 0 ? j.buckets.filter((b) => j.inWindows.has(b.t)) : [];
    const examples = j.stretches.length > 0 || spanSeverity(tailCounts(j.baseline, j.latency)) ? j.examples : [];
    return [...windowed, ...examples].map((b) => ({ service: j.baseline.service, operation: j.baseline.operation, t: b.t }));
  });
  const details = new Map((await queries.operationWindowDetails(range, bucketSeconds, wanted)).map((d) => [`${key(d.service, d.operation)}\u0000${d.t}`, d]));
  const detail = (j: Judged, t: number): OperationBucketDetail | undefined => details.get(`${j.key}\u0000${t}`);

  const items: AnomalyItem[] = [];
  for (const j of judged) {
    const { baseline, key: k } = j;
    const p95 = robustQuantiles(baseline).p95Ns;
    for (const stretch of j.stretches) {
      const calls = stretch.buckets.reduce((n, b) => n + b.calls, 0);
      const errors = stretch.buckets.reduce((n, b) => n + b.errors, 0);
      const ratio = Math.max(...stretch.buckets.map((b) => b.judgement.ratio));
      const p50 = stretch.buckets.reduce((n, b) => n + b.p50Ns * b.calls, 0) / calls;
      const slowTime = stretch.buckets.reduce((n, b) => n + excessAbove(detail(j, b.t)?.latency ?? EMPTY, p95, p95), 0);
      const slowest = [...stretch.buckets].sort((a, b) => b.slowestNs - a.slowestNs).map((b) => detail(j, b.t)?.slowest.traceId);
      items.push({
        service: baseline.service,
        operation: baseline.operation,
        kind: 'window',
        severity: windowSeverity(
          ratio,
          stretch.buckets.some((b) => b.judgement.errors),
        ),
        impact: slowTime + Math.max(0, errors - calls * baseline.errorRate) * p95,
        baseline: baselineOf(baseline),
        observed: { p50Ns: Math.round(p50), p95Ns: Math.round(Math.max(...stretch.buckets.map((b) => b.p95Ns))), errorRate: errors / calls, calls },
        from: stretch.from,
        to: stretch.to,
        affected: [],
        exampleTraceIds: [...new Set(slowest.filter((id) => id !== undefined))].slice(0, 5),
        examples: [],
        sparkline: sparkline(k),
      });
    }
    const windows = j.buckets.filter((b) => j.inWindows.has(b.t)).map((b) => detail(j, b.t)?.latency ?? EMPTY);
    const latency = windows.length > 0 ? difference(j.latency, sum(windows)) : j.latency;
    const tail = tailCounts(baseline, latency);
    const severity = spanSeverity(tail);
    if (!severity) continue;
    const tier = severity === 'critical' ? 5 : severity === 'warning' ? 3 : 2;
    const outliers = severity === 'critical' ? tail.over5 : severity === 'warning' ? tail.over3 : tail.over2;
    const durations = j.examples.map((b) => b.slowestNs);
    const typical = durations.length > 0 ? durations[Math.floor(durations.length / 2)]! : baseline.p95Ns;
    items.push({
      service: baseline.service,
      operation: baseline.operation,
      kind: 'span',
      severity,
      impact: excessAbove(latency, Math.exp(baseline.logMedian + tier * Math.max(baseline.logSigma, 0.01)), p95),
      baseline: baselineOf(baseline),
      observed: { p50Ns: Math.round(typical), p95Ns: Math.round(Math.max(...durations, 0)), errorRate: 0, calls: tail.spans, outliers },
      affected: [],
      exampleTraceIds: [...new Set(j.examples.flatMap((b) => detail(j, b.t)?.slowest.traceId ?? []))],
      examples: [],
      sparkline: sparkline(k),
    });
  }

  const usual = (service: string, operation: string): number | undefined => {
    const b = baselines.get(key(service, operation));
    return b && robustQuantiles(b).p50Ns;
  };
  const retarget = (item: AnomalyItem, cause: OperationRef): AnomalyItem => {
    const b = baselines.get(key(cause.service, cause.operation));
    return { ...item, ...cause, baseline: b ? baselineOf(b) : item.baseline, sparkline: b ? sparkline(key(cause.service, cause.operation)) : item.sparkline };
  };
  const grouped = groupByCause(items, await attribute(queries, range, items, usual), retarget);
  for (const item of grouped) if (item.baseline.young && SEVERITY_RANK[item.severity] > SEVERITY_RANK[YOUNG_CAP]) item.severity = YOUNG_CAP;
  grouped.sort((a, b) => b.impact - a.impact);
  return { items: grouped, bucketSeconds, baselineStart: Number(baseStartNs / 1_000_000_000n), minBaselineSeconds };
}

/** How far beyond its baseline a span must be, in σ of log-duration, to count as a tail of each tier. */
const TAIL_Z = [2, 3, 5] as const;

/** How many of an operation's spans lie beyond 2σ, 3σ and 5σ of its baseline, read from their histogram. */
function tailCounts(b: OperationBaseline, latency: LatencyHistogram): TailCounts {
  const [over2, over3, over5] = TAIL_Z.map((z) => Math.round(countAbove(latency, Math.exp(b.logMedian + z * Math.max(b.logSigma, 0.01)))));
  return { spans: total(latency), over2: over2!, over3: over3!, over5: over5! };
}
