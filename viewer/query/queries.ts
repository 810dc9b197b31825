/**
 * Every query the API runs, by name: the SQL is in storage/sql/query/, with
 * ClickHouse `{name:Type}` parameters, rendered by the store's SqlRegistry (which
 * binds the database). This module picks the statement, its parameters and its
 * optional filters, and types the rows.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { OPERATIONS_1M_TABLE, OPERATIONS_5M_TABLE } from '../../storage/schema';
import type { Rendered, SqlRegistry } from '../../storage/sql/registry';
import type { AttributeFilter, TimeRange } from '../api/params';
import type { SpanKind, StatusCode, StatusFilter, TraceSort } from '../api/types';
import { histogramOf, logStats, quantile, total, type LatencyHistogram } from './latency-histogram';
import { hourWindow, liveWindow, mergeEdges, withoutHistogram, type EdgeDigestRow, type EdgeHistogramRow, type EdgeRow, type LiveWindow, type ServiceRequestsRow } from './dependencies';
import { EXPLAIN_CANDIDATES, EXPLAIN_SAMPLE_PER_GROUP, type ExplainCandidateRow, type ExplainDurationsRow } from './explain';
import type { RedSeriesRow } from './red';

export interface TraceFilters {
  range: TimeRange;
  service?: string;
  /** Further services the trace must also have spans of (the native API's repeated `service`). */
  withServices?: string[];
  operation?: string;
  attributes: AttributeFilter[];
  minDurationNs?: bigint;
  maxDurationNs?: bigint;
  status?: StatusFilter;
  /** Spans of any status but this one (Jaeger's error=false). */
  statusNot?: StatusFilter;
  spanKind?: SpanKind;
  /** The instrumentation scope's name (Jaeger's otel.scope.name tag). */
  scopeName?: string;
  limit: number;
  sort: TraceSort;
}

/** The search filters "why are these slow?" takes, and its threshold (none: the 95th percentile). */
export type ExplainFilters = Pick<TraceFilters, 'range' | 'service' | 'operation' | 'attributes' | 'minDurationNs' | 'maxDurationNs' | 'status'> & { thresholdNs?: bigint };

/** Rows as ClickHouse returns them in JSONEachRow (64-bit integers as strings). */
export interface TraceSummaryRow {
  TraceId: string;
  startNs: string;
  durationNs: string;
  spanCount: string;
  errorCount: string;
  rootService: string;
  rootOperation: string;
  /** The root span's start (the earliest span's when the root is missing). */
  rootStartNs: string;
  services: Record<string, string>;
}

export interface SpanRow {
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  TraceState: string;
  SpanName: string;
  SpanKind: SpanKind;
  ServiceName: string;
  ResourceAttributes: Record<string, string>;
  ScopeName: string;
  ScopeVersion: string;
  SpanAttributes: Record<string, string>;
  startNs: string;
  durationNs: string;
  StatusCode: StatusCode;
  StatusMessage: string;
  eventTimesNs: string[];
  eventNames: string[];
  eventAttributes: Record<string, string>[];
  linkTraceIds: string[];
  linkSpanIds: string[];
  linkTraceStates: string[];
  linkAttributes: Record<string, string>[];
}

/** A summed latency histogram as the rollup queries return it: mapKeys and mapValues of sumMap(Latency). */
interface HistogramColumns {
  buckets: (number | string)[];
  counts: (number | string)[];
}

/**
 * An operation's baseline: spans; median and robust spread of ln(duration ns), p50 and p95 in ns,
 * each trace weighing 1 (see storage/sql/schema/views/select/hindsight_operations_1m.sql); error
 * rate; traces; the first second with spans.
 */
export interface OperationBaselineRow {
  service: string;
  operation: string;
  samples: number;
  traces: number;
  /** Unix seconds of the first minute (or hour, for whole hours) of the baseline with spans. */
  since: number;
  logMedian: number;
  logSigma: number;
  p50: number;
  p95: number;
  errorRate: number;
}

/** One operation's bucket over a range: its figures, without its histogram (query/operation-windows.sql). */
export interface OperationBucket {
  /** The bucket's start, Unix seconds. */
  t: number;
  calls: number;
  errors: number;
  p50Ns: number;
  p95Ns: number;
  /** The slowest span's duration. */
  slowestNs: number;
}

/** One operation over a range: its buckets, ascending, and the whole range's latency. */
export interface OperationWindowsRow {
  service: string;
  operation: string;
  buckets: OperationBucket[];
  latency: LatencyHistogram;
}

/** One operation's bucket, read for the buckets the analysis picks: its histogram and its slowest span. */
export interface OperationBucketDetail {
  service: string;
  operation: string;
  t: number;
  latency: LatencyHistogram;
  slowest: { traceId: string; durationNs: number };
}

/** What the live tail's poll asks for (viewer/tail/poller.ts). */
export interface TailWindow {
  fromNs: bigint;
  toNs: bigint;
  service?: string | undefined;
  operation?: string | undefined;
  attributes: AttributeFilter[];
  status?: StatusFilter | undefined;
  minDurationNs?: bigint | undefined;
  limit: number;
}

export interface TailSpanRow {
  traceId: string;
  spanId: string;
  service: string;
  name: string;
  kind: string;
  startNs: string;
  durationNs: string;
  statusCode: string;
  spanAttributes: Record<string, string>;
  resourceAttributes: Record<string, string>;
  matched: string;
}

/** The `status` filter's value → the StatusCode column's. */
const STORED_STATUS: Record<StatusFilter, StatusCode> = { ok: 'Ok', error: 'Error', unset: 'Unset' };

/** Candidate traces examined for sorts other than newest: bounds the work of one search. */
export const MAX_CANDIDATE_TRACES = 10_000;

/**
 * How far back from its end a newest search over spans looks first, before the whole range. One
 * step only: a rare value (a user id) misses every window and pays for each on top of the range
 * (with a six-hour step too, a needle over a day of 100M spans took 665 ms against 523).
 */
const NEWEST_SPAN_WINDOWS_NS = [3_600_000_000_000n];

/**
 * The starts a newest search over spans tries, latest first, ending with the range's own. The
 * newest matching traces are those whose latest matching span is latest; if the last hour holds
 * `limit` of them, they are the answer over the whole range too, so a day's search reads an
 * hour of spans unless its filter is rare.
 */
export function newestSearchStarts(range: TimeRange): bigint[] {
  return [...NEWEST_SPAN_WINDOWS_NS.map((w) => range.endNs - w).filter((start) => start > range.startNs), range.startNs];
}

/** An attribute filter as its fragment and parameters: the numeric ops bind the value as a Float64. */
function attributeCondition(a: AttributeFilter) {
  switch (a.op) {
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      return { use: a.op, params: { attrKey: a.key, attrNumber: Number(a.value) } };
    default:
      return { use: a.op, params: { attrKey: a.key, attrValue: a.value } };
  }
}

function explainParams(f: ExplainFilters) {
  return {
    ...f.range,
    service: f.service,
    operation: f.operation,
    minDuration: f.minDurationNs,
    maxDuration: f.maxDurationNs,
    status: f.status === undefined ? undefined : STORED_STATUS[f.status],
  };
}

/** Each further service a search asks for, over the search's range. */
function withServices(f: TraceFilters) {
  return (f.withServices ?? []).map((withService) => ({ use: 'service' as const, params: { withService, fromNs: f.range.startNs, toNs: f.range.endNs } }));
}

/** Whether a search has a filter about single spans (attributes, a span's duration, status, kind or scope): matching spans then pick its traces. */
function aboutSpans(f: TraceFilters): boolean {
  return (
    f.attributes.length > 0 ||
    f.minDurationNs !== undefined ||
    f.maxDurationNs !== undefined ||
    f.status !== undefined ||
    f.statusNot !== undefined ||
    f.spanKind !== undefined ||
    f.scopeName !== undefined
  );
}

/** A search by span filters' parameters over `range` (storage/sql/catalogue.ts, SPAN_SEARCH_FILTERS). */
function spanFilterParams(f: TraceFilters, range: TimeRange) {
  return {
    ...range,
    service: f.service,
    operation: f.operation,
    minDuration: f.minDurationNs,
    maxDuration: f.maxDurationNs,
    status: f.status === undefined ? undefined : STORED_STATUS[f.status],
    statusNot: f.statusNot === undefined ? undefined : STORED_STATUS[f.statusNot],
    spanKind: f.spanKind,
    scopeName: f.scopeName,
  };
}

/** A newest search by span filters over the shorter windows first (newestSearchStarts), then over the range, whatever it finds there. */
async function newestFirst<T>(f: TraceFilters, search: (range: TimeRange) => Promise<T[]>): Promise<T[]> {
  for (const startNs of newestSearchStarts(f.range).slice(0, -1)) {
    const found = await search({ startNs, endNs: f.range.endNs });
    if (found.length >= f.limit) return found;
  }
  return search(f.range);
}

/** The live part's kinds of edge, each a select of the edge job's (storage/sql/jobs/edges/). */
const LIVE_EDGES = ['service', 'external', 'messaging'] as const;
type LiveEdges = (typeof LIVE_EDGES)[number];

export class Queries {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly sql: SqlRegistry,
  ) {}

  private async rows<T>(statement: Rendered): Promise<T[]> {
    const result = await this.client.query({ ...statement, format: 'JSONEachRow' });
    return result.json<T>();
  }

  services(range: TimeRange): Promise<{ name: string; spanCount: string; errorCount: string }[]> {
    return this.rows(this.sql.render('query/services', range));
  }

  operations(service: string, range: TimeRange, spanKind?: SpanKind): Promise<{ name: string; spanKind: SpanKind; spanCount: string }[]> {
    // An empty kind was never a filter.
    return this.rows(this.sql.render('query/operations', { ...range, service, spanKind: spanKind || undefined }));
  }

  /** Attribute keys seen in the most recent spans of the range (a sample bounds the scan). */
  attributeKeys(range: TimeRange, service?: string): Promise<{ key: string; scope: 'span' | 'resource' }[]> {
    return this.rows(this.sql.render('query/attribute-keys', { ...range, service: service || undefined }));
  }

  /**
   * Traces with at least one span meeting every filter, summarized from
   * hindsight_trace_summaries. The candidates (the newest matching traces, at most
   * MAX_CANDIDATE_TRACES for sorts other than newest) come from the summaries when
   * the filters are about whole traces (service, operation), and from spans when
   * one is about single spans (attributes, span duration, status): newest reads the
   * last hour of spans first and widens only while too few traces match
   * (newestSearchStarts).
   */
  async searchTraces(f: TraceFilters): Promise<TraceSummaryRow[]> {
    const newest = f.sort === 'newest';
    const candidates = newest ? f.limit : MAX_CANDIDATE_TRACES;
    if (!aboutSpans(f)) {
      const pair = f.service !== undefined && f.operation !== undefined;
      return this.rows(
        this.sql.render(
          'query/search-trace-summaries',
          {
            ...f.range,
            service: pair ? undefined : f.service,
            operation: pair ? undefined : f.operation,
            pairService: pair ? f.service : undefined,
            pairOperation: pair ? f.operation : undefined,
            edge: candidates - 1,
            limit: f.limit,
          },
          { order: f.sort, from: newest ? 'hour' : 'row', pick: newest ? 'newest' : 'every', withServices: withServices(f) },
        ),
      );
    }
    const spanSearch = (range: TimeRange): Promise<TraceSummaryRow[]> =>
      this.rows(this.sql.render('query/search-traces', { matches: this.spanMatches(f, range), candidates, limit: f.limit }, { order: f.sort }));
    return newest ? newestFirst(f, spanSearch) : spanSearch(f.range);
  }

  /**
   * The ids of the traces a newest search by span filters finds (searchTraces), newest first by
   * their latest matching span, without summarizing them: a Jaeger search reads their spans
   * whole instead. Undefined for another sort, or filters all about whole traces, which the
   * summaries pick.
   */
  async newestTraceIds(f: TraceFilters): Promise<string[] | undefined> {
    if (f.sort !== 'newest' || !aboutSpans(f)) return undefined;
    const search = async (range: TimeRange): Promise<string[]> =>
      (await this.rows<{ TraceId: string }>(this.sql.render('query/search-trace-ids', { matches: this.spanMatches(f, range), limit: f.limit }))).map((r) => r.TraceId);
    return newestFirst(f, search);
  }

  /**
   * The spans a search by span filters picks its traces from (span-matches.sql): one read, or,
   * when an attribute filter is an equality (or a Jaeger tag), one read for each place its value
   * may be in, joined by UNION ALL, so that each read prunes by its own map's bloom filters and
   * reads only that map.
   */
  private spanMatches(f: TraceFilters, range: TimeRange): Rendered {
    const params = spanFilterParams(f, range);
    const services = withServices(f);
    const at = f.attributes.findIndex((a) => a.op === 'eq' || a.op === 'tag');
    const lead = f.attributes[at];
    if (lead === undefined) return this.sql.render('query/span-matches', params, { attributes: f.attributes.map(attributeCondition), withServices: services, lead: 'none' });
    const rest = f.attributes.filter((_, i) => i !== at).map(attributeCondition);
    const places = lead.op === 'tag' ? (['span', 'resource', 'event'] as const) : (['span', 'resource'] as const);
    return this.sql.unionAll(
      places.map((place) => this.sql.render('query/span-matches', { ...params, leadKey: lead.key, leadValue: lead.value }, { attributes: rest, withServices: services, lead: place })),
    );
  }

  /** The matching traces' count, 95th percentile, slow count at the threshold and histogram (storage/sql/query/explain-durations.sql). */
  async explainDurations(f: ExplainFilters): Promise<ExplainDurationsRow | undefined> {
    const [row] = await this.rows<ExplainDurationsRow>(
      this.sql.render('query/explain-durations', { ...explainParams(f), threshold: f.thresholdNs ?? 0n }, { attributes: f.attributes.map(attributeCondition) }),
    );
    return row;
  }

  /** Attribute values and span paths of a sample of slow and baseline traces, both groups counted (storage/sql/query/explain.sql). */
  explainCandidates(f: ExplainFilters, thresholdNs: bigint): Promise<ExplainCandidateRow[]> {
    return this.rows(
      this.sql.render(
        'query/explain',
        { ...explainParams(f), threshold: thresholdNs, perGroup: EXPLAIN_SAMPLE_PER_GROUP, candidates: EXPLAIN_CANDIDATES },
        { attributes: f.attributes.map(attributeCondition) },
      ),
    );
  }

  /**
   * The live tail's poll: spans that started in [fromNs, toNs) and meet the filters, at most
   * `limit` of them (a sample by span id hash), each with the count of all that matched.
   */
  tailSpans(f: TailWindow): Promise<TailSpanRow[]> {
    return this.rows(
      this.sql.render(
        'query/tail-spans',
        {
          fromNs: f.fromNs,
          toNs: f.toNs,
          service: f.service,
          operation: f.operation,
          minDuration: f.minDurationNs,
          status: f.status === undefined ? undefined : STORED_STATUS[f.status],
          limit: f.limit,
        },
        { attributes: f.attributes.map(attributeCondition) },
      ),
    );
  }

  /**
   * Service edges over the range: the whole hours the edge job has rolled up from the hourly
   * table (see hourWindow), its other covered minutes from the per-minute one, the few after its
   * watermark from spans (see liveWindow), merged by mergeEdges. The watermarks are read first,
   * and each table only before its own, so a minute or an hour the job covers meanwhile is
   * counted once.
   */
  async dependencies(range: TimeRange): Promise<EdgeRow[]> {
    const [mark] = await this.rows<{ w: number; n: string; hs: number; h: number; rolled: number | boolean }>(this.sql.render('query/edges-watermark', {}));
    const watermark = mark !== undefined && Number(mark.n) > 0 ? Number(mark.w) : undefined;
    const rolled = mark !== undefined && Boolean(mark.rolled) ? { from: Number(mark.hs), until: Number(mark.h) } : undefined;
    const { liveFrom, from, to, parentFrom, childTo } = liveWindow(range, watermark);
    const { hourFrom, hourTo } = hourWindow(range, rolled, { liveFrom });
    // Side by side on the reader pool (embedded chDB plans them one at a time, a server runs them at once).
    const [stored, live] = await Promise.all([
      this.rows<EdgeHistogramRow>(this.sql.render('query/dependencies', { ...range, liveFrom, hourFrom, hourTo })),
      from < to ? this.liveEdges({ from, to, parentFrom, childTo }) : [],
    ]);
    // Only while minutes written before migration 10 are in the range: their latency is a t-digest.
    const digests = withoutHistogram(stored) ? await this.rows<EdgeDigestRow>(this.sql.render('query/dependencies-digests', { ...range, liveFrom })) : [];
    return mergeEdges(stored, live, digests);
  }

  /**
   * The live part: each kind of edge whose spans are in the window, from the job's select for it
   * (one query each: embedded chDB spends 20-25 ms planning one, whatever the spans).
   */
  private async liveEdges(w: Pick<LiveWindow, 'from' | 'to' | 'parentFrom' | 'childTo'>): Promise<EdgeHistogramRow[]> {
    const [found] = await this.rows<Record<LiveEdges, string>>(this.sql.render('query/live-span-kinds', { from: w.from, to: w.to }));
    const kinds = LIVE_EDGES.filter((edges) => Number(found?.[edges] ?? 0) > 0);
    const parts = await Promise.all(kinds.map((edges) => this.rows<EdgeHistogramRow>(this.sql.render('query/dependencies-live', w, { edges }))));
    return parts.flat();
  }

  /** Each service's requests and root spans over the whole minutes of the range, for the map's nodes (see dependencyMap). */
  serviceRequests(range: TimeRange): Promise<ServiceRequestsRow[]> {
    return this.rows(this.sql.render('query/service-requests', range));
  }

  /**
   * Calls, errors and a latency histogram of a service's requests (server and consumer
   * spans), or of every span of one operation, per time bucket: from the per-minute
   * rollup for buckets of whole minutes, from spans for shorter ones.
   */
  async redSeries(service: string, range: TimeRange, bucketSeconds: number, operation?: string): Promise<RedSeriesRow[]> {
    const params = { ...range, service, bucket: bucketSeconds, operation };
    const fill = { spans: operation === undefined ? ('requests' as const) : ('operation' as const) };
    const statement = bucketSeconds % 60 === 0 ? this.sql.render('query/red-series-minutes', params, fill) : this.sql.render('query/red-series', params, fill);
    const rows = await this.rows<{ t: string; calls: string; errors: string } & HistogramColumns>(statement);
    return rows.map((r) => ({ t: Number(r.t), calls: Number(r.calls), errors: Number(r.errors), latency: histogramOf(r.buckets, r.counts) }));
  }

  /**
   * Per (service, operation) with at least `minSamples` spans over the baseline range, from the
   * hourly rollup and the minutes at its ends: median and robust spread of ln(duration), p50 and
   * p95 from the per-trace weighted histogram (one batch trace of thousands of spans weighs as one
   * request), error rate, traces and the first second with spans: exact to the minute when it is
   * less than `youngSeconds` before the range's end, the age that decides whether a baseline is young.
   */
  async baselines(range: TimeRange, baseStartNs: bigint, minSamples: number, youngSeconds: number): Promise<OperationBaselineRow[]> {
    const rows = await this.rows<{ service: string; operation: string; samples: string; errors: string; traceBuckets: number[]; traceCounts: number[]; since: string } & HistogramColumns>(
      this.sql.render('query/baselines', { baseStartNs, endNs: range.endNs, exactFromNs: range.endNs - BigInt(youngSeconds) * 1_000_000_000n, minSamples }),
    );
    return rows.map((r) => {
      const latency = histogramOf(r.traceBuckets, r.traceCounts);
      const samples = Number(r.samples);
      return {
        service: r.service,
        operation: r.operation,
        samples,
        traces: Math.round(total(latency)),
        since: Number(r.since),
        ...logStats(latency),
        p50: quantile(latency, 0.5),
        p95: quantile(latency, 0.95),
        errorRate: Number(r.errors) / samples,
      };
    });
  }

  /**
   * Each operation's buckets over the range, `bucketSeconds` long (calls, errors, p50, p95, the
   * slowest duration), with the whole range's histogram, from the coarsest rollup whose rows fit
   * the bucket (a minute, five minutes, an hour), so that a day of 15-minute buckets reads 96 rows
   * per operation, not 1,440.
   */
  async operationWindows(range: TimeRange, bucketSeconds: number): Promise<OperationWindowsRow[]> {
    const [params, buckets] = this.operationBuckets(range, bucketSeconds);
    const rows = await this.rows<{ service: string; operation: string; windows: [number, number, number, number | null, number | null, number][] } & HistogramColumns>(
      this.sql.render('query/operation-windows', params, { buckets }),
    );
    return rows.map((r) => ({
      service: r.service,
      operation: r.operation,
      // A quantile of an empty histogram is NaN, which ClickHouse writes as null.
      buckets: r.windows.map(([t, calls, errors, p50, p95, slowestNs]) => ({ t, calls, errors, p50Ns: p50 ?? Number.NaN, p95Ns: p95 ?? Number.NaN, slowestNs })),
      latency: histogramOf(r.buckets, r.counts),
    }));
  }

  /**
   * The histogram and slowest span of each bucket named (service, operation, start in Unix
   * seconds), as operationWindows cut them over the same range: only the part of the range the
   * buckets span is read.
   */
  async operationWindowDetails(range: TimeRange, bucketSeconds: number, keys: readonly { service: string; operation: string; t: number }[]): Promise<OperationBucketDetail[]> {
    if (keys.length === 0) return [];
    const ts = keys.map((k) => k.t);
    const first = BigInt(Math.min(...ts)) * 1_000_000_000n;
    const last = BigInt(Math.max(...ts) + bucketSeconds) * 1_000_000_000n - 1n;
    const within = { startNs: first > range.startNs ? first : range.startNs, endNs: last < range.endNs ? last : range.endNs };
    const [params, buckets] = this.operationBuckets(within, bucketSeconds);
    const statement = this.sql.render('query/operation-window-details', { ...params, services: keys.map((k) => k.service), operations: keys.map((k) => k.operation), ts }, { buckets });
    const rows = await this.rows<{ service: string; operation: string; t: number; slowest: [string, string | number] } & HistogramColumns>(statement);
    return rows.map((r) => ({
      service: r.service,
      operation: r.operation,
      t: Number(r.t),
      latency: histogramOf(r.buckets, r.counts),
      slowest: { traceId: r.slowest[0], durationNs: Number(r.slowest[1]) },
    }));
  }

  /** Whole hours from the hourly rollup; 5 and 15 minutes from the five-minute one; other minutes from the per-minute one. */
  private operationBuckets(range: TimeRange, bucket: number) {
    if (bucket % 3600 === 0) return [{ ...range, bucket }, 'hours'] as const;
    return [{ ...range, bucket, rollup: bucket % 300 === 0 ? OPERATIONS_5M_TABLE : OPERATIONS_1M_TABLE }, 'minutes'] as const;
  }

  /**
   * All spans of a trace (none when it is not stored), in one statement: the lookup table's
   * time range for it bounds the read to the partitions and granules it can be in.
   */
  traceSpans(traceId: string): Promise<SpanRow[]> {
    return this.rows(this.sql.render('query/trace-spans', { traceId }));
  }

  /** All spans of the traces with these ids (none for an id not stored), in one statement. */
  tracesById(traceIds: string[]): Promise<SpanRow[]> {
    if (traceIds.length === 0) return Promise.resolve([]);
    return this.rows(this.sql.render('query/traces-by-id', { traceIds }));
  }

  /** Of these traces, those the trace model will adjust for clock skew (storage/sql/query/skewed-traces.sql). */
  async skewedTraces(traceIds: string[], range: TimeRange): Promise<string[]> {
    if (traceIds.length === 0) return [];
    return (await this.rows<{ traceId: string }>(this.sql.render('query/skewed-traces', { traceIds, ...range }))).map((r) => r.traceId);
  }

  /**
   * All spans of several traces in one read, from the partitions the range covers. `shape`
   * reads only what a trace's tree needs (ids, names, kind, times, status): attributes, events
   * and links come back empty, at a fraction of the bytes read (span-shape-columns.sql).
   */
  tracesSpans(traceIds: string[], range: TimeRange, columns: 'full' | 'shape' = 'full'): Promise<SpanRow[]> {
    if (traceIds.length === 0) return Promise.resolve([]);
    return this.rows(this.sql.render('query/traces-spans', { traceIds, ...range }, { columns }));
  }
}
