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

export function dependencyMap(rows: EdgeRow[], range: TimeRange): DependenciesResponse {
  const windowSeconds = Math.max(1, Number((range.endNs - range.startNs) / 1_000_000_000n));
  const nodes = new Map<string, DependencyNode>();
  const node = (id: string, kind: DependencyNode['kind']): DependencyNode => {
    let n = nodes.get(id);
    if (!n) nodes.set(id, (n = { id, kind, calls: 0, errors: 0, requestRate: 0 }));
    return n;
  };
  const edges = rows.map((r) => {
    const kind = r.kind === 'external' ? 'external' : 'service';
    const calls = Number(r.calls);
    const errors = Number(r.errors);
    node(r.parent, 'service');
    const child = node(r.child, kind);
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
