/**
 * The dependency map's elements, and what a refresh changes in a graph already drawn: the
 * page updates the elements in place rather than drawing a new graph, so a refresh keeps the
 * user's zoom, pan and selection, and lays the graph out again only when a node is new.
 */
import type { DependenciesResponse } from '../../../api/types';
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
      data: { id: n.id, label: n.id, kind: n.kind, size: scaleLog(n.requestRate, maxRate, 28, 70), color: n.kind === 'external' ? '#8c8c8c' : errorColor(n.calls === 0 ? 0 : n.errors / n.calls) },
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
      },
    })),
  ];
}

export interface GraphChange {
  add: GraphElement[];
  /** Elements already drawn, with their new data. */
  update: GraphElement[];
  /** Ids of drawn elements no longer in the data. */
  remove: string[];
  /** A node was added: the graph needs a layout. */
  layout: boolean;
}

export function graphChange(drawn: ReadonlySet<string>, next: readonly GraphElement[]): GraphChange {
  const ids = new Set(next.map((e) => e.data.id));
  const add = next.filter((e) => !drawn.has(e.data.id));
  return {
    add,
    update: next.filter((e) => drawn.has(e.data.id)),
    remove: [...drawn].filter((id) => !ids.has(id)),
    layout: add.some((e) => e.group === 'nodes'),
  };
}

/** How often the open map asks again, by the choice in its menu ('off': never). */
export const REFRESH_CHOICES = { off: 0, '5s': 5_000, '10s': 10_000, '30s': 30_000 } as const;
export type RefreshChoice = keyof typeof REFRESH_CHOICES;
export const DEFAULT_REFRESH: RefreshChoice = '10s';

export function refreshChoice(value: string | null): RefreshChoice {
  return value !== null && value in REFRESH_CHOICES ? (value as RefreshChoice) : DEFAULT_REFRESH;
}
