/** Edge rows to the dependency map (nodes with their incoming calls, edges with child-side latency) and to Jaeger's call counts. */
import type { TimeRange } from '../api/params';
import type { DependenciesResponse, DependencyNode } from '../api/types';

export interface EdgeRow {
  parent: string;
  child: string;
  kind: string;
  calls: string;
  errors: string;
  latency: [number, number, number];
}

/**
 * The live part of a map never reaches further back than this before the range's end. The
 * edge job's watermark trails now by its lag and interval (about 75 s), so this is the job's
 * few open minutes with room to spare; when the job is further behind (stopped, or a store no
 * collector writes edges for), the minutes between the watermark and this bound stay empty
 * rather than a map joining an hour of spans on every refresh.
 */
export const LIVE_MAX_SECONDS = 10 * 60;
/** How far before a child its parent may have started: the edge job's PARENT_HORIZON_SECONDS. */
const PARENT_HORIZON_SECONDS = 3600;
/** How late a server child may start after its client span: the edge job's CHILD_HORIZON_SECONDS. */
const CHILD_HORIZON_SECONDS = 300;

/** Unix seconds: stored edges are read before `liveFrom`, spans' edges computed over [from, to). */
export interface LiveWindow {
  liveFrom: number;
  from: number;
  to: number;
  parentFrom: number;
  childTo: number;
}

/**
 * The minutes of a range the edge job has not covered, from its watermark (Unix seconds; none
 * before its first run) to the range's end, at most LIVE_MAX_SECONDS. Empty ([to, to)) when the
 * job has covered the whole range.
 */
export function liveWindow(range: TimeRange, watermark: number | undefined): LiveWindow {
  const startMinute = Math.floor(Number(range.startNs / 1_000_000_000n) / 60) * 60;
  const endSecond = Number(range.endNs / 1_000_000_000n);
  const to = endSecond + 1;
  const bound = Math.floor(endSecond / 60) * 60 - LIVE_MAX_SECONDS;
  const liveFrom = Math.max(startMinute, bound, watermark ?? -Infinity);
  const from = Math.min(liveFrom, to);
  // An empty window reads no spans: no parent or producer an hour back either.
  const horizon = from < to ? PARENT_HORIZON_SECONDS : 0;
  return { liveFrom, from, to: Math.max(from, to), parentFrom: from - horizon, childTo: to + CHILD_HORIZON_SECONDS };
}

export function dependencyMap(rows: EdgeRow[], range: TimeRange): DependenciesResponse {
  const windowSeconds = Math.max(1, Number((range.endNs - range.startNs) / 1_000_000_000n));
  const nodes = new Map<string, DependencyNode>();
  const node = (id: string, kind: DependencyNode['kind']): DependencyNode => {
    let n = nodes.get(id);
    if (!n) nodes.set(id, (n = { id, kind, calls: 0, errors: 0, requestRate: 0 }));
    return n;
  };
  const edges = rows.map((r) => {
    const kind = r.kind === 'external' || r.kind === 'messaging' ? r.kind : 'service';
    const calls = Number(r.calls);
    const errors = Number(r.errors);
    // A messaging edge leaves a broker, the external node its producers' edges enter.
    node(r.parent, kind === 'messaging' ? 'external' : 'service');
    const child = node(r.child, kind === 'external' ? 'external' : 'service');
    child.calls += calls;
    child.errors += errors;
    const [p50, p95, p99] = r.latency;
    return { parent: r.parent, child: r.child, kind, calls, errors, errorRate: calls === 0 ? 0 : errors / calls, p50Ns: Math.round(p50), p95Ns: Math.round(p95), p99Ns: Math.round(p99) } as const;
  });
  for (const n of nodes.values()) n.requestRate = n.calls / windowSeconds;
  return { nodes: [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id)), edges, windowSeconds };
}

/** Calls from one service to another over the range, of any kind: Jaeger's dependency link. */
export interface ServiceCalls {
  parent: string;
  child: string;
  callCount: number;
}

/** Edge rows summed per (parent, child): Jaeger's links carry no kind, so a service and a peer of one name are one child. */
export function serviceCalls(rows: Pick<EdgeRow, 'parent' | 'child' | 'calls'>[]): ServiceCalls[] {
  const calls = new Map<string, ServiceCalls>();
  for (const r of rows) {
    const key = `${r.parent}\u0000${r.child}`;
    const entry = calls.get(key) ?? { parent: r.parent, child: r.child, callCount: 0 };
    entry.callCount += Number(r.calls);
    calls.set(key, entry);
  }
  return [...calls.values()];
}
