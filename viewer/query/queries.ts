/**
 * Every query the API runs, by name: the SQL is in storage/sql/query/, with
 * ClickHouse `{name:Type}` parameters, rendered by the store's SqlRegistry (which
 * binds the database). This module picks the statement, its parameters and its
 * optional filters, and types the rows.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Rendered, SqlRegistry } from '../../storage/sql/registry';
import type { AttributeFilter, TimeRange } from '../api/params';
import type { SpanKind, StatusCode, StatusFilter, TraceSort } from '../api/types';

export interface TraceFilters {
  range: TimeRange;
  service?: string;
  operation?: string;
  attributes: AttributeFilter[];
  minDurationNs?: bigint;
  maxDurationNs?: bigint;
  status?: StatusFilter;
  limit: number;
  sort: TraceSort;
}

/** Rows as ClickHouse returns them in JSONEachRow (64-bit integers as strings). */
export interface TraceSummaryRow {
  TraceId: string;
  startNs: string;
  durationNs: string;
  spanCount: string;
  errorCount: string;
  rootService: string;
  rootOperation: string;
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

/** The `status` filter's value → the StatusCode column's. */
const STORED_STATUS: Record<StatusFilter, StatusCode> = { ok: 'Ok', error: 'Error', unset: 'Unset' };

/** Candidate traces examined for sorts other than newest: bounds the work of one search. */
export const MAX_CANDIDATE_TRACES = 10_000;

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
   * Traces with at least one span meeting every filter. Matching spans pick the
   * candidate traces (the newest ones, at most MAX_CANDIDATE_TRACES); each
   * candidate is then summarized over all its spans in the range, sorted and cut.
   */
  searchTraces(f: TraceFilters): Promise<TraceSummaryRow[]> {
    return this.rows(
      this.sql.render(
        'query/search-traces',
        {
          ...f.range,
          service: f.service,
          operation: f.operation,
          minDuration: f.minDurationNs,
          maxDuration: f.maxDurationNs,
          status: f.status === undefined ? undefined : STORED_STATUS[f.status],
          candidates: f.sort === 'newest' ? f.limit : MAX_CANDIDATE_TRACES,
          limit: f.limit,
        },
        { order: f.sort, attributes: f.attributes.map((a) => ({ use: a.op, params: { attrKey: a.key, attrValue: a.value } })) },
      ),
    );
  }

  /** Service edges over whole minutes of the range, from the per-minute edge table. */
  dependencies(range: TimeRange): Promise<{ parent: string; child: string; kind: string; calls: string; errors: string; latency: [number, number, number] }[]> {
    return this.rows(this.sql.render('query/dependencies', range));
  }

  /**
   * Rate, errors and duration percentiles of a service (or one operation) per
   * time bucket. Server and consumer spans are the service's requests; with an
   * operation, every span of that name counts.
   */
  redSeries(service: string, range: TimeRange, bucketSeconds: number, operation?: string): Promise<{ t: string; calls: string; errors: string; q: [number, number, number, number] }[]> {
    return this.rows(this.sql.render('query/red-series', { ...range, service, bucket: bucketSeconds, operation }, { spans: operation === undefined ? 'requests' : 'operation' }));
  }

  /** A latency histogram of the same spans, on log-spaced buckets (powers of two of nanoseconds). */
  redHistogram(service: string, range: TimeRange, operation?: string): Promise<{ le: string; count: string }[]> {
    return this.rows(this.sql.render('query/red-histogram', { ...range, service, operation }, { spans: operation === undefined ? 'requests' : 'operation' }));
  }

  /**
   * Per (service, operation) with at least `minSamples` spans over the baseline
   * range, in one pass: median and robust spread of ln(duration), p50, p95 and
   * error rate.
   */
  baselines(
    range: TimeRange,
    baseStartNs: bigint,
    minSamples: number,
  ): Promise<{ service: string; operation: string; samples: string; logMedian: number; logSigma: number; p50: number; p95: number; errorRate: number }[]> {
    return this.rows(this.sql.render('query/baselines', { baseStartNs, endNs: range.endNs, minSamples }));
  }

  /**
   * Spans in the range beyond 2σ, 3σ and 5σ of the given baselines, with the worst
   * as examples. The baselines come in as parameters, so they are computed once.
   */
  spanTails(
    range: TimeRange,
    baselines: { service: string; operation: string; logMedian: number; logSigma: number }[],
  ): Promise<{ service: string; operation: string; spans: string; over2: string; over3: string; over5: string; examples: [number, string, string][] }[]> {
    if (baselines.length === 0) return Promise.resolve([]);
    return this.rows(
      this.sql.render('query/span-tails', {
        ...range,
        services: baselines.map((b) => b.service),
        operations: baselines.map((b) => b.operation),
        medians: baselines.map((b) => b.logMedian),
        sigmas: baselines.map((b) => b.logSigma),
      }),
    );
  }

  /** Per operation and bucket: calls, errors, median ln(duration), p50 and p95, and a few trace ids. */
  operationBuckets(
    range: TimeRange,
    bucketSeconds: number,
  ): Promise<{ service: string; operation: string; t: string; calls: string; errors: string; logMedian: number; p50: number; p95: number; examples: string[] }[]> {
    return this.rows(this.sql.render('query/operation-buckets', { ...range, bucket: bucketSeconds }));
  }

  /**
   * All spans of a trace (none when it is not stored), in one statement: the lookup table's
   * time range for it bounds the read to the partitions and granules it can be in.
   */
  traceSpans(traceId: string): Promise<SpanRow[]> {
    return this.rows(this.sql.render('query/trace-spans', { traceId }));
  }
}
