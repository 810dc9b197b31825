/**
 * The native query API's JSON types (/api/v1): the contract between viewer/api and
 * its readers (viewer/ui, the CLI and the TUI). Nanosecond times and durations travel
 * as decimal strings, because they do not fit in a JavaScript number.
 *
 * The API's enumerations are defined here, as `as const` arrays with their union
 * types, and everything else (parameter parsing, SQL maps, OpenAPI, the UI's forms)
 * derives from them. Span kinds and status codes are what storage holds, so
 * storage/span-enums.ts owns those two and this module passes them on.
 */
import { SPAN_KINDS, STATUS_CODES } from '../../storage/span-enums';

export { SPAN_KINDS, STATUS_CODES };
/** A span's kind, as stored and answered: 'Server', 'Client', 'Internal', 'Producer', 'Consumer' or 'Unspecified'. */
export type SpanKind = (typeof SPAN_KINDS)[number];
/** A span's status, as stored and answered: 'Unset', 'Ok' or 'Error'. */
export type StatusCode = (typeof STATUS_CODES)[number];

/** Values of the trace search's `status` parameter: a status code, lower-cased. */
export const STATUS_FILTERS = ['ok', 'error', 'unset'] as const satisfies readonly Lowercase<StatusCode>[];
export type StatusFilter = (typeof STATUS_FILTERS)[number];

/** Values of the trace search's `sort` parameter. */
export const TRACE_SORTS = ['newest', 'slowest', 'most_spans', 'most_errors'] as const;
export type TraceSort = (typeof TRACE_SORTS)[number];

export interface ServiceSummary {
  name: string;
  spanCount: number;
  errorCount: number;
  /** errorCount / spanCount, 0 when there are no spans. */
  errorRate: number;
}

/** The OTLP receivers of the process answering, as bound. */
export interface OtlpReceivers {
  /** The address both are bound to (--host): 0.0.0.0 or :: for every interface. */
  host: string;
  /** OTLP/HTTP (POST /v1/traces). */
  httpPort: number;
  /** OTLP/gRPC. */
  grpcPort: number;
  /** Both take TLS (the process runs with --tls-cert). */
  tls: boolean;
}

/**
 * GET /api/v1/server: what the process answering runs, so that a client that found its API
 * (the command line's import) finds its OTLP ports, whichever they are.
 */
export interface ServerInfoResponse {
  /** null when the process runs only the viewer (`hindsight viewer`): send spans to a collector. */
  otlp: OtlpReceivers | null;
}

export interface ServicesResponse {
  services: ServiceSummary[];
}

export interface OperationSummary {
  name: string;
  spanKind: SpanKind;
  spanCount: number;
}

export interface OperationsResponse {
  operations: OperationSummary[];
}

export interface AttributeKey {
  key: string;
  /** Where the key was seen. */
  scope: 'span' | 'resource';
}

export interface AttributeKeysResponse {
  keys: AttributeKey[];
}

export interface TraceSummary {
  traceId: string;
  rootService: string;
  rootOperation: string;
  /** Start of the earliest span, Unix nanoseconds; adjusted for clock skew as the trace page is. */
  startNs: string;
  durationNs: string;
  /** The stored duration, when clock skew was adjusted (then durationNs is the adjusted trace's). */
  rawDurationNs?: string;
  spanCount: number;
  errorCount: number;
  services: { name: string; spanCount: number }[];
}

export interface TraceSearchResponse {
  traces: TraceSummary[];
  limit: number;
}

/** Where GET /api/v1/tail's spans come from: this process's own inserts, or polls of the store. */
export const TAIL_SOURCES = ['writer', 'poll'] as const;
export type TailSource = (typeof TAIL_SOURCES)[number];

/** The live tail's first event (`event: hello`): how it will deliver. */
export interface TailHello {
  source: TailSource;
  /** How long after being stored a span is sent at most, beyond the stream's own pace: 0 for writer, the poll's lag plus its interval for poll. */
  delayMs: number;
  /** Most span events per second this stream sends; past it, it samples. */
  maxRate: number;
}

/** One event of the live tail (`event: span`): a stored span, compact. */
export interface TailSpan {
  traceId: string;
  spanId: string;
  service: string;
  name: string;
  kind: SpanKind;
  startNs: string;
  durationNs: string;
  statusCode: StatusCode;
  /** The attributes the filters name, as the span (or else its resource) carries them. */
  attributes: Record<string, string>;
  /** How many matching spans this event stands for: 1, or more while the stream samples. */
  represents: number;
}

export interface SpanEvent {
  timeNs: string;
  name: string;
  attributes: Record<string, string>;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Record<string, string>;
}

export interface Span {
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: SpanKind;
  service: string;
  startNs: string;
  durationNs: string;
  statusCode: StatusCode;
  statusMessage: string;
  attributes: Record<string, string>;
  resource: Record<string, string>;
  scope: { name: string; version: string };
  events: SpanEvent[];
  links: SpanLink[];
}

export interface TraceResponse {
  traceId: string;
  spans: Span[];
}

export interface CriticalPathResponse {
  traceId: string;
  /** In time order; start and end are Unix nanoseconds, selfTime nanoseconds, all decimal strings. */
  segments: { spanId: string; start: string; end: string; selfTime: string }[];
  warnings: string[];
}

/** Where a node of a trace comparison is found: in both traces, only in B (added), only in A (removed). */
export const COMPARE_PRESENCES = ['both', 'added', 'removed'] as const;
export type ComparePresence = (typeof COMPARE_PRESENCES)[number];

/** One trace of a comparison, as its root names it. */
export interface CompareSide {
  traceId: string;
  rootService: string;
  rootOperation: string;
  /** Nanoseconds, as the trace model adjusts the trace for clock skew; a decimal string. */
  durationNs: string;
  spanCount: number;
}

/** The spans of one trace at a call path: how many, and their durations together (ns, a decimal string). */
export interface CompareCount {
  count: number;
  durationNs: string;
}

/**
 * A call path (service + operation under its parent's path) in two traces. Nodes are
 * listed depth-first, each after its parent (`parent` is an index into the list, -1 for
 * a root), so a client draws them in order without walking a nested tree.
 */
export interface CompareNode {
  id: number;
  parent: number;
  depth: number;
  service: string;
  operation: string;
  presence: ComparePresence;
  /** Count 0 where the path is not in that trace. */
  a: CompareCount;
  b: CompareCount;
  /** B minus A. */
  countDelta: number;
  durationDeltaNs: string;
  /**
   * Added, removed, a different count, or a duration that moved by at least 20% of the
   * larger one and by at least 1% of the longer trace (smaller moves are run-to-run noise).
   */
  changed: boolean;
  /** A node under this one changed: it is kept open, as an ancestor of a change. */
  changedBelow: boolean;
}

export interface CompareResponse {
  a: CompareSide;
  b: CompareSide;
  nodes: CompareNode[];
  summary: { added: number; removed: number; changed: number; unchanged: number };
  /** Each trace's model warnings (orphans, clock skew), prefixed with A or B. */
  warnings: string[];
}

export interface DependencyNode {
  id: string;
  /** A service that sends spans, or an external peer (database, API, message broker) named by client or producer spans. */
  kind: 'service' | 'external';
  /**
   * Its work in the window, and what of it failed (`counts` says which). A service: the requests
   * it served, its server and consumer spans, or, with none (a batch job), its root spans, whether
   * or not anything on the map calls it. An external node, and a service with neither (its spans
   * are internal or client children of other services' spans, or were stored before migration 9
   * counted root spans): the calls into it along the map's edges, as `callsIn` and `errorsIn`.
   */
  calls: number;
  errors: number;
  /** calls per second over the window. */
  requestRate: number;
  /** errors / calls; 0 with no calls. */
  errorRate: number;
  /** What calls and errors count: server and consumer spans, root spans, or the calls into the node along the map's edges. */
  counts: DependencyNodeCounts;
  /** The calls into it along the map's edges, and those that failed (calls and errors of an external node). */
  callsIn: number;
  errorsIn: number;
}

export const DEPENDENCY_NODE_COUNTS = ['requests', 'roots', 'calls-in'] as const;
export type DependencyNodeCounts = (typeof DEPENDENCY_NODE_COUNTS)[number];

export interface DependencyEdge {
  parent: string;
  child: string;
  /** service → service, service → external peer (a broker too), or broker → consumer service. */
  kind: 'service' | 'external' | 'messaging';
  calls: number;
  errors: number;
  errorRate: number;
  /** Latency of the child side, nanoseconds. */
  p50Ns: number;
  p95Ns: number;
  p99Ns: number;
}

export interface DependenciesResponse {
  nodes: DependencyNode[];
  edges: DependencyEdge[];
  windowSeconds: number;
}

export interface RedPoint {
  /** Bucket start, Unix seconds. */
  t: number;
  calls: number;
  /** Calls per second in the bucket. */
  rate: number;
  errors: number;
  errorRate: number;
  p50Ns: number;
  p90Ns: number;
  p95Ns: number;
  p99Ns: number;
}

export interface RedResponse {
  service: string;
  operation: string | undefined;
  bucketSeconds: number;
  series: RedPoint[];
  /** Counts of spans whose duration is at most `leNs` (and above the previous bucket's). */
  histogram: { leNs: number; count: number }[];
}

export interface OutliersResponse {
  traceId: string;
  /** Spans more than 3σ slower than their operation's baseline. */
  outliers: { spanId: string; z: number; severity: 'warning' | 'critical'; baselineP50Ns: number }[];
}

/** An operation as anomalies name it. */
export interface OperationRef {
  service: string;
  operation: string;
}

export interface AnomalyItem {
  /** The cause: the operation whose own time carries the excess (its ancestors are in `affected`). */
  service: string;
  operation: string;
  kind: 'span' | 'window';
  /** At most `warning` while the baseline is young (`baseline.young`). */
  severity: 'minor' | 'warning' | 'critical';
  /** Time spent beyond the baseline's p95, in nanoseconds, plus excess errors at the baseline's p95 each: what the list is ranked by (README, "Anomalies"). */
  impact: number;
  /**
   * `traces`: how many traces the baseline holds (each weighs 1 in it, whatever its spans);
   * `since`: its first second with spans (Unix); `young`: it is shorter than the minimum age
   * (`--anomaly-min-baseline-seconds`) or holds too few traces.
   */
  baseline: { p50Ns: number; p95Ns: number; errorRate: number; samples: number; traces: number; since: number; young: boolean };
  observed: { p50Ns: number; p95Ns: number; errorRate: number; calls: number; outliers?: number };
  /** The anomalous stretch (window kind) in Unix seconds. */
  from?: number;
  to?: number;
  /** The operations slow only because the cause is, from the outermost down to the cause's caller. */
  affected: OperationRef[];
  /** Where the anomaly was seen, when that is not the cause itself: the outermost affected operation's item. */
  detectedOn?: OperationRef;
  exampleTraceIds: string[];
  /** The cause span in each example trace that was read, to open the trace on it. */
  examples: { traceId: string; spanId: string }[];
  /** The operation's p95 per bucket over the range, for a sparkline. */
  sparkline: { t: number; p95Ns: number }[];
}

export interface AnomaliesResponse {
  items: AnomalyItem[];
  bucketSeconds: number;
  baselineStart: number;
  /** A baseline younger than this (seconds) makes its items `young`. */
  minBaselineSeconds: number;
}

/** How many traces of one group of "why are these slow?" carry something, and their share of the group's sample. */
export interface ExplainShare {
  traces: number;
  /** traces / the group's sampled traces, 0 to 1. */
  share: number;
}

/** A span or resource attribute value, more common in the slow traces than in the baseline. */
export interface ExplainAttribute {
  scope: 'span' | 'resource';
  key: string;
  value: string;
  slow: ExplainShare;
  baseline: ExplainShare;
  /** slow.share − baseline.share: what the list is ranked by (README: "Why are these slow?"). */
  score: number;
  /** The smoothed ratio of the shares, (s + ½)/(S + 1) ÷ (b + ½)/(B + 1); breaks ties. */
  lift: number;
  /**
   * A matching span carried it in most of the slow traces that carry it, so the search's own
   * filters plus this attribute and the threshold as minDuration find those traces.
   */
  onMatchingSpan: boolean;
}

/** One step of a span path: a span's service and operation. */
export interface ExplainPathStep {
  service: string;
  operation: string;
}

/** A span path (service + operation from the root down) whose self time grows from baseline to slow traces. */
export interface ExplainPath {
  path: ExplainPathStep[];
  /** Self time of the path's spans per trace of the group (0 in a trace without it), on average. */
  slowAvgSelfNs: number;
  baselineAvgSelfNs: number;
  /** slowAvgSelfNs − baselineAvgSelfNs: what the list is ranked by. */
  growthNs: number;
  slow: ExplainShare;
  baseline: ExplainShare;
}

/** GET /api/v1/explain: "why are these slow?" for the traces a search matches. */
export interface ExplainResponse {
  /** A trace is slow when its slowest matching span lasts at least this (ns, decimal string). */
  thresholdNs: string;
  /** `p95`: the default, the 95th percentile of the matching traces; `given`: the threshold parameter. */
  thresholdSource: 'p95' | 'given';
  p95Ns: string;
  /** Matching traces in the range, and how many of them are slow or baseline. */
  traces: { matching: number; slow: number; baseline: number };
  /** The traces each group's figures come from: a bounded, fixed pseudo-random sample. */
  sampled: { slow: number; baseline: number };
  /** The matching traces' durations in quarter-octave buckets [fromNs, toNs), empty ones left out. */
  histogram: { fromNs: number; toNs: number; count: number }[];
  attributes: ExplainAttribute[];
  paths: ExplainPath[];
  warnings: string[];
}

/** Every 4xx/5xx body. `parameter` names the bad query parameter, when there is one. */
export interface ApiError {
  error: { code: string; message: string; parameter?: string };
}
