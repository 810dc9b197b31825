/**
 * "Why are these slow?": the scores and the answer, from the rows of the two statements in
 * storage/sql/query/explain-durations.sql and explain.sql. ClickHouse counts (per attribute
 * value and per span path, in each group) and keeps the most promising candidates; this module
 * scores them, ranks them and shapes the API type. Pure: unit-tested without a store.
 */
import type { ExplainAttribute, ExplainPath, ExplainResponse, ExplainShare } from '../api/types';

/** Traces drawn from each group: enough for shares within a few points, few enough to answer within a second over a day of spans. */
export const EXPLAIN_SAMPLE_PER_GROUP = 500;
/** Candidates of each kind the statement returns, ordered by its own rough score. */
export const EXPLAIN_CANDIDATES = 200;
/** Ranked items of each kind in the answer. */
export const EXPLAIN_TOP = 20;
/** Below this many sampled slow traces, shares are rough: the answer says so. */
const FEW_SLOW_TRACES = 20;

/** explain-durations.sql's row (64-bit integers as strings). */
export interface ExplainDurationsRow {
  traces: string | number;
  p95Ns: string;
  thresholdNs: string;
  slow: string | number;
  /** Quarter-octave bucket number → traces. */
  histogram: Record<string, string | number>;
}

/** explain.sql's rows: one `total` (the sampled groups), then attribute values and paths. */
export interface ExplainCandidateRow {
  kind: 'total' | 'attribute' | 'path';
  scope: string;
  key: string;
  value: string;
  path: [string, string][];
  slowTraces: string | number;
  baselineTraces: string | number;
  slowOnSubject: string | number;
  slowSelfNs: string;
  baselineSelfNs: string;
}

export interface Groups {
  /** Sampled slow traces. */
  slow: number;
  /** Sampled baseline traces. */
  baseline: number;
}

/**
 * An attribute value's score: the difference of its shares, s/S − b/B, from −1 to 1. It puts
 * first a value most slow traces carry and few baseline ones do. A ratio alone (lift) would
 * rank a value two slow traces carry and no baseline one above the cause of every slow trace;
 * the ratio only breaks ties, smoothed by ½ so that a value no baseline trace carries has a
 * finite one.
 */
export function attributeScore(slowTraces: number, baselineTraces: number, groups: Groups): { score: number; lift: number } {
  const slowShare = share(slowTraces, groups.slow);
  const baselineShare = share(baselineTraces, groups.baseline);
  const lift = (slowTraces + 0.5) / (groups.slow + 1) / ((baselineTraces + 0.5) / (groups.baseline + 1));
  return { score: slowShare - baselineShare, lift };
}

/**
 * A path's growth: its self time per trace, on average over each group (a trace without the
 * path counts 0), slow minus baseline. A path that only slow traces take grows by all of its
 * time; one that every trace takes grows by how much slower it is in the slow ones.
 */
export function pathGrowth(slowSelfNs: number, baselineSelfNs: number, groups: Groups): { slowAvgSelfNs: number; baselineAvgSelfNs: number; growthNs: number } {
  const slowAvgSelfNs = groups.slow > 0 ? slowSelfNs / groups.slow : 0;
  const baselineAvgSelfNs = groups.baseline > 0 ? baselineSelfNs / groups.baseline : 0;
  return { slowAvgSelfNs, baselineAvgSelfNs, growthNs: slowAvgSelfNs - baselineAvgSelfNs };
}

/** Attribute values ranked by score (then lift, then key and value), those that are not more common in slow traces left out. */
export function rankAttributes(rows: ExplainCandidateRow[], groups: Groups, top = EXPLAIN_TOP): ExplainAttribute[] {
  return rows
    .filter((r) => r.kind === 'attribute')
    .map((r): ExplainAttribute => {
      const slowTraces = Number(r.slowTraces);
      const baselineTraces = Number(r.baselineTraces);
      return {
        scope: r.scope === 'resource' ? 'resource' : 'span',
        key: r.key,
        value: r.value,
        slow: shareOf(slowTraces, groups.slow),
        baseline: shareOf(baselineTraces, groups.baseline),
        ...attributeScore(slowTraces, baselineTraces, groups),
        onMatchingSpan: Number(r.slowOnSubject) * 2 > slowTraces,
      };
    })
    .filter((a) => a.score > 0)
    .sort((a, b) => b.score - a.score || b.lift - a.lift || compare(a.key, b.key) || compare(a.value, b.value) || compare(a.scope, b.scope))
    .slice(0, top);
}

/** Span paths ranked by growth (then by their text), those that do not grow left out. */
export function rankPaths(rows: ExplainCandidateRow[], groups: Groups, top = EXPLAIN_TOP): ExplainPath[] {
  const text = (p: ExplainPath): string => p.path.map((s) => `${s.service}\u0000${s.operation}`).join('\u0001');
  return rows
    .filter((r) => r.kind === 'path')
    .map((r): ExplainPath => ({
      path: r.path.map(([service, operation]) => ({ service, operation })),
      ...pathGrowth(Number(r.slowSelfNs), Number(r.baselineSelfNs), groups),
      slow: shareOf(Number(r.slowTraces), groups.slow),
      baseline: shareOf(Number(r.baselineTraces), groups.baseline),
    }))
    .filter((p) => p.growthNs > 0)
    .sort((a, b) => b.growthNs - a.growthNs || compare(text(a), text(b)))
    .slice(0, top);
}

/** Quarter-octave bucket b spans [2^(b/4), 2^((b+1)/4)) ns; buckets in order, empty ones left out. */
export function histogramBuckets(histogram: Record<string, string | number>): ExplainResponse['histogram'] {
  return Object.entries(histogram)
    .map(([bucket, count]) => ({ bucket: Number(bucket), count: Number(count) }))
    .filter((b) => b.count > 0)
    .sort((a, b) => a.bucket - b.bucket)
    .map(({ bucket, count }) => ({ fromNs: Math.round(2 ** (bucket / 4)), toNs: Math.round(2 ** ((bucket + 1) / 4)), count }));
}

/** The answer, from both statements' rows. */
export function toExplain(durations: ExplainDurationsRow | undefined, candidates: ExplainCandidateRow[], given: boolean): ExplainResponse {
  const matching = Number(durations?.traces ?? 0);
  const slow = Number(durations?.slow ?? 0);
  const total = candidates.find((r) => r.kind === 'total');
  const groups: Groups = { slow: Number(total?.slowTraces ?? 0), baseline: Number(total?.baselineTraces ?? 0) };
  return {
    thresholdNs: matching > 0 ? (durations?.thresholdNs ?? '0') : '0',
    thresholdSource: given ? 'given' : 'p95',
    p95Ns: matching > 0 ? (durations?.p95Ns ?? '0') : '0',
    traces: { matching, slow, baseline: matching - slow },
    sampled: groups,
    histogram: histogramBuckets(durations?.histogram ?? {}),
    attributes: rankAttributes(candidates, groups),
    paths: rankPaths(candidates, groups),
    warnings: warningsFor(matching, groups),
  };
}

function warningsFor(matching: number, groups: Groups): string[] {
  if (matching === 0) return ['No trace matches the search in this range.'];
  const warnings: string[] = [];
  if (groups.slow === 0) warnings.push('No trace reaches the threshold: lower it to compare.');
  else if (groups.baseline === 0) warnings.push('Every trace reaches the threshold: raise it to compare.');
  else if (groups.slow < FEW_SLOW_TRACES) warnings.push(`Only ${groups.slow} slow traces: their shares are rough.`);
  return warnings;
}

function share(traces: number, group: number): number {
  return group > 0 ? traces / group : 0;
}

function shareOf(traces: number, group: number): ExplainShare {
  return { traces, share: share(traces, group) };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
