/**
 * A trace's statistics, as Jaeger's trace statistics view has them: spans grouped by
 * service, or by service and operation, with count, total, average, min and max
 * duration, self time, and the group's share of the critical path. Pure: the view
 * sorts and filters the rows with the functions below and only renders them.
 */
import type { CriticalPath } from './critical-path';
import { selfTimeOf } from './self-time';
import type { TraceTree } from './trace-tree';

export const STAT_GROUPINGS = ['service', 'operation'] as const;
export type StatGrouping = (typeof STAT_GROUPINGS)[number];

export const STAT_COLUMNS = ['name', 'count', 'total', 'avg', 'min', 'max', 'self', 'critical', 'errors'] as const;
export type StatColumn = (typeof STAT_COLUMNS)[number];

export interface StatRow {
  /** service, or service + '\u0000' + operation: unique in its grouping. */
  key: string;
  service: string;
  /** '' when grouped by service. */
  operation: string;
  count: number;
  errors: number;
  /** Sum of the spans' durations, ns (spans nested in one another are each counted). */
  totalNs: number;
  avgNs: number;
  minNs: number;
  maxNs: number;
  /** Sum of the spans' self times, ns: what the group spent outside its children. */
  selfNs: number;
  /** The group's time on the critical path, ns, and its share of the path (0..1). */
  criticalNs: number;
  criticalShare: number;
  /** The group's spans, longest first, so the first is the one to show. */
  spanIds: string[];
}

export function traceStatistics(tree: TraceTree, path: CriticalPath, grouping: StatGrouping): StatRow[] {
  const onPath = new Map<string, number>();
  let pathTotal = 0;
  for (const s of path.segments) {
    onPath.set(s.spanId, (onPath.get(s.spanId) ?? 0) + s.selfTime);
    pathTotal += s.selfTime;
  }
  const rows = new Map<string, StatRow & { durations: number[] }>();
  for (const node of tree.nodes) {
    const { service, name } = node.span;
    const key = grouping === 'service' ? service : `${service}\u0000${name}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        key,
        service,
        operation: grouping === 'service' ? '' : name,
        count: 0,
        errors: 0,
        totalNs: 0,
        avgNs: 0,
        minNs: Infinity,
        maxNs: 0,
        selfNs: 0,
        criticalNs: 0,
        criticalShare: 0,
        spanIds: [],
        durations: [],
      };
      rows.set(key, row);
    }
    const duration = node.end - node.start;
    row.count++;
    if (node.span.statusCode === 'Error') row.errors++;
    row.totalNs += duration;
    row.minNs = Math.min(row.minNs, duration);
    row.maxNs = Math.max(row.maxNs, duration);
    row.selfNs += selfTimeOf(node);
    row.criticalNs += onPath.get(node.span.spanId) ?? 0;
    row.spanIds.push(node.span.spanId);
    row.durations.push(duration);
  }
  return [...rows.values()].map(({ durations, ...row }) => {
    // Longest first: sort the ids by their durations together.
    const order = durations.map((_, i) => i).sort((a, b) => durations[b]! - durations[a]!);
    return { ...row, avgNs: row.totalNs / row.count, criticalShare: pathTotal > 0 ? row.criticalNs / pathTotal : 0, spanIds: order.map((i) => row.spanIds[i]!) };
  });
}

/** Rows whose service or operation contains the text, case-insensitively; all rows for ''. */
export function filterStats(rows: readonly StatRow[], text: string): StatRow[] {
  const q = text.trim().toLowerCase();
  if (q === '') return [...rows];
  return rows.filter((r) => r.service.toLowerCase().includes(q) || r.operation.toLowerCase().includes(q));
}

const VALUE: Record<Exclude<StatColumn, 'name'>, (r: StatRow) => number> = {
  count: (r) => r.count,
  total: (r) => r.totalNs,
  avg: (r) => r.avgNs,
  min: (r) => r.minNs,
  max: (r) => r.maxNs,
  self: (r) => r.selfNs,
  critical: (r) => r.criticalNs,
  errors: (r) => r.errors,
};

/** Sorted by a column; ties by name, so the order is stable across reloads. */
export function sortStats(rows: readonly StatRow[], column: StatColumn, descending: boolean): StatRow[] {
  const byName = (a: StatRow, b: StatRow): number => a.service.localeCompare(b.service) || a.operation.localeCompare(b.operation);
  const sign = descending ? -1 : 1;
  if (column === 'name') return [...rows].sort((a, b) => sign * byName(a, b));
  const value = VALUE[column];
  return [...rows].sort((a, b) => sign * (value(a) - value(b)) || byName(a, b));
}
