/**
 * The anomalies page's list: its filters (service, kind, least severity, kept in the URL) and
 * its groups, one per cause, in the order of their most impactful item. The API already made
 * one item per cause and kind; a cause with both a slow window and slow spans is one group.
 */
import type { AnomalyItem, OperationRef } from '../../../api/types';

export const SEVERITIES = ['minor', 'warning', 'critical'] as const;
export type LeastSeverity = (typeof SEVERITIES)[number];

export interface AnomalyFilters {
  /** '' for every service; otherwise items whose cause or affected chain is in this service. */
  service: string;
  kind: '' | AnomalyItem['kind'];
  severity: LeastSeverity;
}

export interface CauseGroup {
  cause: OperationRef;
  items: AnomalyItem[];
}

export function decodeFilters(params: URLSearchParams): AnomalyFilters {
  const kind = params.get('kind');
  const severity = params.get('severity');
  return {
    service: params.get('service') ?? '',
    kind: kind === 'span' || kind === 'window' ? kind : '',
    severity: SEVERITIES.find((s) => s === severity) ?? 'minor',
  };
}

/** The filters as URL parameters, leaving out those at their default. */
export function encodeFilters(f: AnomalyFilters): Record<string, string> {
  return { ...(f.service ? { service: f.service } : {}), ...(f.kind ? { kind: f.kind } : {}), ...(f.severity !== 'minor' ? { severity: f.severity } : {}) };
}

/** Every service an item names (its cause's and its affected chain's), sorted: the service filter's choices. */
export function servicesOf(items: readonly AnomalyItem[]): string[] {
  return [...new Set(items.flatMap((i) => [i.service, ...i.affected.map((a) => a.service)]))].sort();
}

export function filterItems(items: readonly AnomalyItem[], f: AnomalyFilters): AnomalyItem[] {
  const least = SEVERITIES.indexOf(f.severity);
  return items.filter(
    (i) => (f.service === '' || i.service === f.service || i.affected.some((a) => a.service === f.service)) && (f.kind === '' || i.kind === f.kind) && SEVERITIES.indexOf(i.severity) >= least,
  );
}

/** Items grouped by cause, the groups in the order of their first item (the list is ranked by impact). */
export function groupByCause(items: readonly AnomalyItem[]): CauseGroup[] {
  const groups = new Map<string, CauseGroup>();
  for (const item of items) {
    const key = `${item.service}\u0000${item.operation}`;
    const group = groups.get(key) ?? { cause: { service: item.service, operation: item.operation }, items: [] };
    group.items.push(item);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** The links to an item's example traces: each opens on the cause span when the API found it there. */
export function exampleLinks(item: AnomalyItem): { traceId: string; href: string }[] {
  const bySpan = new Map(item.examples.map((e) => [e.traceId, e.spanId]));
  const ids = [...new Set([...item.examples.map((e) => e.traceId), ...item.exampleTraceIds])];
  return ids.map((traceId) => {
    const spanId = bySpan.get(traceId);
    return { traceId, href: `/trace/${traceId}${spanId ? `?span=${spanId}` : ''}` };
  });
}
