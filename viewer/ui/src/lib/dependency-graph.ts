/**
 * The dependency map's elements, and what a refresh changes in a graph already drawn: the
 * page updates the elements in place rather than drawing a new graph, so a refresh keeps the
 * user's zoom, pan and selection, and lays the graph out again only when a node or an edge is new.
 */
import type { DependenciesResponse, DependencyEdge, DependencyNode } from '../../../api/types';
import { formatDuration } from '../../../model/format';
import { errorColor, scaleLog } from './graph-style';

export interface GraphElement {
  group: 'nodes' | 'edges';
  data: { id: string; [key: string]: string | number };
}

export function graphElements(data: DependenciesResponse): GraphElement[] {
  const maxRate = Math.max(...data.nodes.map((n) => n.requestRate), 0);
  const maxCalls = Math.max(...data.edges.map((e) => e.calls), 0);
  return [
    ...data.nodes.map((n) => ({
      group: 'nodes' as const,
      data: {
        id: n.id,
        label: n.id,
        kind: n.kind,
        size: scaleLog(n.requestRate, maxRate, 28, 70),
        color: n.kind === 'external' ? '#8c8c8c' : errorColor(n.errorRate),
        tip: nodeFigures(n, data).join('\n'),
      },
    })),
    ...data.edges.map((e) => ({
      group: 'edges' as const,
      data: {
        id: `${e.parent}→${e.child}→${e.kind}`,
        source: e.parent,
        target: e.child,
        kind: e.kind,
        width: scaleLog(e.calls, maxCalls, 1.5, 10),
        color: errorColor(e.errorRate),
        label: `${e.calls} calls · p99 ${formatDuration(e.p99Ns)}${e.errors ? ` · ${(e.errorRate * 100).toFixed(1)}% err` : ''}`,
        tip: edgeFigures(e, data.windowSeconds).join('\n'),
      },
    })),
  ];
}

/** Calls per second, to two significant digits at most. */
export function formatRate(calls: number, windowSeconds: number): string {
  const rate = windowSeconds > 0 ? calls / windowSeconds : 0;
  return `${rate >= 10 ? Math.round(rate) : Number(rate.toPrecision(2))}/s`;
}

function errorFigures(errors: number, calls: number): string {
  return `${errors} error${errors === 1 ? '' : 's'} (${calls === 0 ? '0' : ((errors / calls) * 100).toFixed(1)}%)`;
}

/** What hovering an edge shows: its calls, errors and the callee side's latency. */
export function edgeFigures(e: DependencyEdge, windowSeconds: number): string[] {
  return [
    `${e.parent} → ${e.child}`,
    `${formatRate(e.calls, windowSeconds)} · ${e.calls} calls`,
    errorFigures(e.errors, e.calls),
    `p50 ${formatDuration(e.p50Ns)} · p95 ${formatDuration(e.p95Ns)} · p99 ${formatDuration(e.p99Ns)}`,
  ];
}

/** What a node's calls are, by what the map counted for it. */
const COUNTED: Record<DependencyNode['counts'], string> = { requests: 'requests', roots: 'root spans', 'calls-in': 'calls in' };

/**
 * What hovering a node shows: its rate and errors (a service's requests served, or a batch job's
 * root spans; the calls into an external peer), the calls its callers on the map make, and the
 * latency of those calls from each caller (the map measures latency per edge; percentiles of
 * different edges do not add up to the node's).
 */
export function nodeFigures(n: DependencyNode, data: DependenciesResponse): string[] {
  const callers = data.edges.filter((e) => e.child === n.id).sort((a, b) => b.calls - a.calls);
  const lines = [n.id, `${formatRate(n.calls, data.windowSeconds)} · ${n.calls} ${COUNTED[n.counts]}`, errorFigures(n.errors, n.calls)];
  if (n.counts !== 'calls-in' && callers.length > 0) lines.push(`${n.callsIn} calls in from ${callers.length === 1 ? 'its caller' : `${callers.length} callers`}`);
  for (const e of callers.slice(0, 4)) lines.push(`from ${e.parent}: p50 ${formatDuration(e.p50Ns)} · p95 ${formatDuration(e.p95Ns)} · p99 ${formatDuration(e.p99Ns)}`);
  if (callers.length > 4) lines.push(`and ${callers.length - 4} more callers`);
  return lines;
}

/**
 * The search an edge opens: traces where the caller calls the callee, so both services (a
 * repeated `service`). An external peer or a broker sends no spans: its side is left out.
 */
export function edgeSearch(e: { source: string; target: string; kind: DependencyEdge['kind'] }, lookback: string): URLSearchParams {
  const services = e.kind === 'external' ? [e.source] : e.kind === 'messaging' ? [e.target] : [e.source, e.target];
  const params = new URLSearchParams();
  for (const s of services) params.append('service', s);
  params.set('lookback', lookback);
  return params;
}

export interface GraphChange {
  add: GraphElement[];
  /** Elements already drawn, with their new data. */
  update: GraphElement[];
  /** Ids of drawn elements no longer in the data. */
  remove: string[];
  /** An element was added: the graph needs a layout (a new edge can change the layers and every route). */
  layout: boolean;
}

export function graphChange(drawn: ReadonlySet<string>, next: readonly GraphElement[]): GraphChange {
  const ids = new Set(next.map((e) => e.data.id));
  const add = next.filter((e) => !drawn.has(e.data.id));
  return {
    add,
    update: next.filter((e) => drawn.has(e.data.id)),
    remove: [...drawn].filter((id) => !ids.has(id)),
    layout: add.length > 0,
  };
}

/** How often the open map asks again, by the choice in its menu ('off': never). */
export const REFRESH_CHOICES = { off: 0, '5s': 5_000, '10s': 10_000, '30s': 30_000 } as const;
export type RefreshChoice = keyof typeof REFRESH_CHOICES;
export const DEFAULT_REFRESH: RefreshChoice = '10s';

export function refreshChoice(value: string | null): RefreshChoice {
  return value !== null && value in REFRESH_CHOICES ? (value as RefreshChoice) : DEFAULT_REFRESH;
}
