/**
 * Search results corrected for clock skew: the summaries table keeps each trace's stored start
 * and end, and the trace page shows the trace as the model adjusts it (viewer/model/clock-skew.ts).
 * The few listed traces that have skew are built by the same model, so the list, the scatter
 * plot and the trace page agree on a trace's duration.
 */
import type { Span, TraceSummary } from '../api/types';
import { buildTree } from '../model/trace-tree';

/** Summaries with the start and duration of their trace as the trace model adjusts it, for those whose spans are given. */
export function adjustSummaries(traces: TraceSummary[], spans: ReadonlyMap<string, Span[]>): TraceSummary[] {
  return traces.map((t) => {
    const own = spans.get(t.traceId);
    if (own === undefined || own.length === 0) return t;
    const tree = buildTree(own);
    const durationNs = String(tree.durationNs);
    return durationNs === t.durationNs ? t : { ...t, startNs: tree.startNs.toString(), durationNs, rawDurationNs: t.durationNs };
  });
}

/** Slowest first, by the (adjusted) duration shown; ties keep the search's order. */
export function bySlowest(traces: TraceSummary[]): TraceSummary[] {
  return [...traces].sort((a, b) => Number(BigInt(b.durationNs) - BigInt(a.durationNs)));
}
