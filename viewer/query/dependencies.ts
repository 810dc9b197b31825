/**
 * Edge rows and each service's own requests to the dependency map (service nodes measured by the
 * requests they served, external nodes by the calls into them, edges with child-side latency), and
 * edge rows to Jaeger's call counts.
 */
import type { TimeRange } from '../api/params';
import type { DependenciesResponse, DependencyNode } from '../api/types';
import { histogramOf, quantile, sum, total, type LatencyHistogram } from './latency-histogram';

export interface EdgeRow {
  parent: string;
  child: string;
  kind: string;
  calls: string;
  errors: string;
  /** p50, p95 and p99 of the child side's durations, ns. */
  latency: [number, number, number];
}

/** An edge with its latency histogram, as query/dependencies.sql and dependencies-live.sql return it (counts as strings). */
export interface EdgeHistogramRow extends Omit<EdgeRow, 'latency'> {
  buckets: (number | string)[];
  counts: (number | string)[];
}

/** An edge's quantiles from the t-digests of its rows written before migration 10 (query/dependencies-digests.sql). */
export interface EdgeDigestRow extends Pick<EdgeRow, 'parent' | 'child' | 'kind'> {
  digest: [number, number, number];
}

const edgeKey = (e: Pick<EdgeRow, 'parent' | 'child' | 'kind'>): string => `${e.parent}\u0000${e.child}\u0000${e.kind}`;

/** Edges whose rows carry no latency histogram: those written before migration 10, whose t-digests then give the quantiles. */
export function withoutHistogram(rows: readonly EdgeHistogramRow[]): boolean {
  return rows.some((r) => total(histogramOf(r.buckets, r.counts)) === 0);
}

/**
 * The stored edges and the live part's, one row per (parent, child, kind), the most called first:
 * calls and errors added, histograms added, quantiles read from the sum. An edge with no histogram
 * at all (all its rows written before migration 10) takes the quantiles of their t-digests, until
 * those rows expire.
 */
export function mergeEdges(stored: readonly EdgeHistogramRow[], live: readonly EdgeHistogramRow[], digests: readonly EdgeDigestRow[] = []): EdgeRow[] {
  const edges = new Map<string, { row: EdgeHistogramRow; calls: number; errors: number; histograms: LatencyHistogram[] }>();
  for (const row of [...stored, ...live]) {
    const key = edgeKey(row);
    const edge = edges.get(key) ?? { row, calls: 0, errors: 0, histograms: [] };
    edge.calls += Number(row.calls);
    edge.errors += Number(row.errors);
    edge.histograms.push(histogramOf(row.buckets, row.counts));
    edges.set(key, edge);
  }
  const digest = new Map(digests.map((d) => [edgeKey(d), d.digest]));
  return [...edges.entries()]
    .map(([key, { row, calls, errors, histograms }]) => {
      const h = sum(histograms);
      const old = digest.get(key);
      const latency: [number, number, number] = total(h) === 0 && old !== undefined ? old : [quantile(h, 0.5), quantile(h, 0.95), quantile(h, 0.99)];
      return { parent: row.parent, child: row.child, kind: row.kind, calls: String(calls), errors: String(errors), latency };
    })
    .sort((a, b) => Number(b.calls) - Number(a.calls));
}

/** A service's own incoming work over the map's minutes (query/service-requests.sql), counts as strings. */
export interface ServiceRequestsRow {
  service: string;
  /** Its server and consumer spans, and those that failed. */
  requests: string;
  requestErrors: string;
  /** Its root spans, and those that failed. */
  roots: string;
  rootErrors: string;
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

/** Unix seconds: whole hours [hourFrom, hourTo) read from the hourly edge table; empty when hourTo is hourFrom. */
export interface HourWindow {
  hourFrom: number;
  hourTo: number;
}

/** The hours the edge job has rolled up, [from, until) in Unix seconds. */
export interface RolledHours {
  from: number;
  until: number;
}

/**
 * The whole hours of a range that the edge job has rolled up (none before its first roll-up) and
 * that end before the live part: the map reads them from the hourly table, and only the minutes
 * at either end (and any before the roll-up's first hour) from the per-minute one.
 */
export function hourWindow(range: TimeRange, rolled: RolledHours | undefined, live: Pick<LiveWindow, 'liveFrom'>): HourWindow {
  const startMinute = Math.floor(Number(range.startNs / 1_000_000_000n) / 60) * 60;
  const lastMinute = Math.floor(Number(range.endNs / 1_000_000_000n) / 60) * 60;
  if (rolled === undefined) return { hourFrom: startMinute, hourTo: startMinute };
  const hourFrom = Math.ceil(Math.max(startMinute, rolled.from) / 3600) * 3600;
  const hourTo = Math.floor(Math.min(lastMinute + 60, live.liveFrom, rolled.until) / 3600) * 3600;
  return { hourFrom, hourTo: Math.max(hourFrom, hourTo) };
}

/**
 * The map: edges as stored, and nodes. A service node counts the requests it served (its server and
 * consumer spans), or, with none in the window (a batch job), its root spans, so an entry service
 * that nobody calls is measured by the traffic it receives. An external peer or broker, which
 * sends no spans, and a service with neither (only child spans of other kinds, or rows written
 * before the rollup counted root spans) count the calls into them along the edges.
 */
export function dependencyMap(rows: EdgeRow[], requests: ServiceRequestsRow[], range: TimeRange): DependenciesResponse {
  const windowSeconds = Math.max(1, Number((range.endNs - range.startNs) / 1_000_000_000n));
  const nodes = new Map<string, DependencyNode>();
  const node = (id: string, kind: DependencyNode['kind']): DependencyNode => {
    let n = nodes.get(id);
    if (!n) nodes.set(id, (n = { id, kind, calls: 0, errors: 0, requestRate: 0, errorRate: 0, counts: 'calls-in', callsIn: 0, errorsIn: 0 }));
    return n;
  };
  const edges = rows.map((r) => {
    const kind = r.kind === 'external' || r.kind === 'messaging' ? r.kind : 'service';
    const calls = Number(r.calls);
    const errors = Number(r.errors);
    // A messaging edge leaves a broker, the external node its producers' edges enter.
    node(r.parent, kind === 'messaging' ? 'external' : 'service');
    const child = node(r.child, kind === 'external' ? 'external' : 'service');
    child.callsIn += calls;
    child.errorsIn += errors;
    const [p50, p95, p99] = r.latency;
    return { parent: r.parent, child: r.child, kind, calls, errors, errorRate: calls === 0 ? 0 : errors / calls, p50Ns: Math.round(p50), p95Ns: Math.round(p95), p99Ns: Math.round(p99) } as const;
  });
  const served = new Map(requests.map((r) => [r.service, r]));
  for (const n of nodes.values()) {
    const own = n.kind === 'service' ? servedFigures(served.get(n.id)) : undefined;
    const { counts, calls, errors } = own ?? { counts: 'calls-in' as const, calls: n.callsIn, errors: n.errorsIn };
    Object.assign(n, { counts, calls, errors, requestRate: calls / windowSeconds, errorRate: calls === 0 ? 0 : errors / calls });
  }
  return { nodes: [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id)), edges, windowSeconds };
}

/** A service's requests, else its root spans; undefined when it has neither in the window. */
function servedFigures(r: ServiceRequestsRow | undefined): Pick<DependencyNode, 'counts' | 'calls' | 'errors'> | undefined {
  if (r === undefined) return undefined;
  if (Number(r.requests) > 0) return { counts: 'requests', calls: Number(r.requests), errors: Number(r.requestErrors) };
  if (Number(r.roots) > 0) return { counts: 'roots', calls: Number(r.roots), errors: Number(r.rootErrors) };
  return undefined;
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
