/**
 * Spans of one trace far slower than their operation usually is, for the waterfall's
 * marks: each span's duration against its operation's baseline, in σ of log-duration
 * (viewer/model/anomalies.ts says why log-durations).
 */
import { zScore } from '../model/anomalies';
import type { TimeRange } from '../api/params';
import type { OutliersResponse, Span } from '../api/types';
import { MIN_BASELINE_SAMPLES, MIN_BASELINE_TRACES } from './anomalies';

const HOUR_NS = 3_600_000_000_000n;
const DAY_NS = 24n * HOUR_NS;

/**
 * The window a trace is judged in: the last hour, the anomalies page's default range, so a
 * span marked on the waterfall is judged as that page would judge it by default. The
 * baselines query reads up to the window's end; its start does not narrow the baseline.
 */
export const OUTLIER_WINDOW_NS = HOUR_NS;

/** How far back the baseline reaches: a week holds every day of a weekly traffic cycle; the anomalies page's default too. */
export const OUTLIER_HISTORY_NS = 7n * DAY_NS;

/** An operation is judged only with this many baseline spans: the anomalies page's minimum, so both pages judge the same operations. */
export const OUTLIER_MIN_SAMPLES = MIN_BASELINE_SAMPLES;

/**
 * Steady lognormal traffic puts 0.13% of spans beyond 3σ by itself: one in several hundred,
 * rare enough to point at, not so rare that a real slowdown goes unmarked. It is the
 * "warning" tier of the anomalies page (spanSeverity counts spans beyond 3σ for it).
 */
export const WARNING_Z = 3;

/** Chance puts 3 spans in 10 million beyond 5σ: a span there is practically never noise. The anomalies page's "critical" tier. */
export const CRITICAL_Z = 5;

export type Outlier = OutliersResponse['outliers'][number];

/** An operation's baseline as the store returns it: median and robust spread of ln(duration ns). */
export interface OutlierBaseline {
  service: string;
  operation: string;
  logMedian: number;
  logSigma: number;
  /** Unix seconds of its first span, and how many traces it holds: a young baseline marks warnings only. */
  since: number;
  traces: number;
}

/** Whether a baseline is young at `endNs`: shorter than `minSeconds`, or with fewer traces than the anomalies page asks for. */
export function youngBefore(endNs: bigint, minSeconds: number): (b: Pick<OutlierBaseline, 'since' | 'traces'>) => boolean {
  const end = Number(endNs / 1_000_000_000n);
  return (b) => end - b.since < minSeconds || b.traces < MIN_BASELINE_TRACES;
}

/** What the baselines query is asked for at `nowMs`: the window, and where the history starts. */
export function outlierBaselineRange(nowMs: number): { window: TimeRange; historyStartNs: bigint } {
  const endNs = BigInt(nowMs) * 1_000_000n;
  return { window: { startNs: endNs - OUTLIER_WINDOW_NS, endNs }, historyStartNs: endNs - OUTLIER_HISTORY_NS };
}

/**
 * The spans beyond WARNING_Z of their operation's baseline; spans of operations without one are
 * never outliers. Against a young baseline a span is at most a warning, as on the anomalies page.
 */
export function scoreOutliers(spans: Pick<Span, 'spanId' | 'service' | 'name' | 'durationNs'>[], baselines: OutlierBaseline[], young: (b: OutlierBaseline) => boolean = () => false): Outlier[] {
  const key = (service: string, operation: string): string => `${service}\u0000${operation}`;
  const byOperation = new Map(baselines.map((b) => [key(b.service, b.operation), b]));
  return spans.flatMap((s) => {
    const b = byOperation.get(key(s.service, s.name));
    if (!b) return [];
    const z = zScore(Number(s.durationNs), b);
    const severity = z > CRITICAL_Z && !young(b) ? 'critical' : 'warning';
    return z > WARNING_Z ? [{ spanId: s.spanId, z: Math.round(z * 10) / 10, severity, baselineP50Ns: Math.round(Math.exp(b.logMedian)) }] : [];
  });
}
