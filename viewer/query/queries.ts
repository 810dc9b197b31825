/**
 * Every query the API runs, as SQL text with ClickHouse `{name:Type}` parameters.
 * Values are always parameters; the only identifiers are the configured database
 * (validated as an identifier by the config) and fixed table names.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { EDGES_TABLE, TRACE_ID_TS_TABLE, TRACES_TABLE } from '../../storage/schema';
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

const ORDER: Record<TraceSort, string> = {
  newest: 'startNs DESC',
  slowest: 'toUInt64(durationNs) DESC',
  most_spans: 'spanCount DESC, startNs DESC',
  most_errors: 'errorCount DESC, startNs DESC',
};

export class Queries {
  private readonly traces: string;
  private readonly lookup: string;
  private readonly edges: string;

  constructor(
    private readonly client: ClickHouseClient,
    database: string,
  ) {
    this.traces = `${database}.${TRACES_TABLE}`;
    this.lookup = `${database}.${TRACE_ID_TS_TABLE}`;
    this.edges = `${database}.${EDGES_TABLE}`;
  }

  private async rows<T>(query: string, params: Record<string, unknown>): Promise<T[]> {
    const result = await this.client.query({ query, query_params: params, format: 'JSONEachRow' });
    return result.json<T>();
  }

  private static rangeParams(range: TimeRange): Record<string, string> {
    return { startNs: range.startNs.toString(), endNs: range.endNs.toString() };
  }

  /** The WHERE clause for the time range, on the partition and sort key. */
  private static readonly RANGE = 'Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})';

  services(range: TimeRange): Promise<{ name: string; spanCount: string; errorCount: string }[]> {
    return this.rows(
      `SELECT ServiceName AS name, count() AS spanCount, countIf(StatusCode = 'Error') AS errorCount
       FROM ${this.traces} WHERE ${Queries.RANGE}
       GROUP BY ServiceName ORDER BY ServiceName`,
      Queries.rangeParams(range),
    );
  }

  operations(service: string, range: TimeRange, spanKind?: SpanKind): Promise<{ name: string; spanKind: SpanKind; spanCount: string }[]> {
    return this.rows(
      `SELECT SpanName AS name, SpanKind AS spanKind, count() AS spanCount
       FROM ${this.traces}
       WHERE ServiceName = {service:String} AND ${Queries.RANGE} ${spanKind ? 'AND SpanKind = {spanKind:String}' : ''}
       GROUP BY SpanName, SpanKind ORDER BY SpanName, SpanKind`,
      { ...Queries.rangeParams(range), service, spanKind: spanKind ?? '' },
    );
  }

  /** Attribute keys seen in the most recent spans of the range (a sample bounds the scan). */
  attributeKeys(range: TimeRange, service?: string): Promise<{ key: string; scope: 'span' | 'resource' }[]> {
    return this.rows(
      `SELECT key, scope FROM (
         SELECT arrayJoin(arrayConcat(
                  arrayMap(k -> (k, 'span'), mapKeys(SpanAttributes)),
                  arrayMap(k -> (k, 'resource'), mapKeys(ResourceAttributes)))) AS pair,
                pair.1 AS key, pair.2 AS scope
         FROM (SELECT SpanAttributes, ResourceAttributes FROM ${this.traces}
               WHERE ${Queries.RANGE} ${service ? 'AND ServiceName = {service:String}' : ''}
               LIMIT 20000))
       GROUP BY key, scope ORDER BY key, scope LIMIT 2000`,
      { ...Queries.rangeParams(range), service: service ?? '' },
    );
  }

  /** Conditions one span must meet, with their parameters. */
  private static spanConditions(f: TraceFilters): { where: string; params: Record<string, unknown> } {
    const conditions = [Queries.RANGE];
    const params: Record<string, unknown> = Queries.rangeParams(f.range);
    if (f.service !== undefined) {
      conditions.push('ServiceName = {service:String}');
      params['service'] = f.service;
    }
    if (f.operation !== undefined) {
      conditions.push('SpanName = {operation:String}');
      params['operation'] = f.operation;
    }
    if (f.minDurationNs !== undefined) {
      conditions.push('Duration >= {minDuration:UInt64}');
      params['minDuration'] = f.minDurationNs.toString();
    }
    if (f.maxDurationNs !== undefined) {
      conditions.push('Duration <= {maxDuration:UInt64}');
      params['maxDuration'] = f.maxDurationNs.toString();
    }
    if (f.status !== undefined) {
      conditions.push('StatusCode = {status:String}');
      params['status'] = STORED_STATUS[f.status];
    }
    f.attributes.forEach((a, i) => {
      const k = `{attrKey${i}:String}`;
      const v = `{attrValue${i}:String}`;
      params[`attrKey${i}`] = a.key;
      params[`attrValue${i}`] = a.value;
      const either = (test: (map: string) => string): string => `(${test('SpanAttributes')} OR ${test('ResourceAttributes')})`;
      switch (a.op) {
        case 'exists':
          conditions.push(either((m) => `mapContains(${m}, ${k})`));
          break;
        case 'eq':
          conditions.push(either((m) => `(mapContains(${m}, ${k}) AND ${m}[${k}] = ${v})`));
          break;
        case 'ne':
          conditions.push(either((m) => `(mapContains(${m}, ${k}) AND ${m}[${k}] != ${v})`));
          break;
        case 'contains':
          conditions.push(either((m) => `(mapContains(${m}, ${k}) AND position(${m}[${k}], ${v}) > 0)`));
          break;
      }
    });
    return { where: conditions.join(' AND '), params };
  }

  /**
   * Traces with at least one span meeting every filter. Matching spans pick the
   * candidate traces (the newest ones, at most MAX_CANDIDATE_TRACES); each
   * candidate is then summarized over all its spans in the range, sorted and cut.
   */
  searchTraces(f: TraceFilters): Promise<TraceSummaryRow[]> {
    const { where, params } = Queries.spanConditions(f);
    const candidates = f.sort === 'newest' ? f.limit : MAX_CANDIDATE_TRACES;
    return this.rows(
      `WITH candidates AS (
         SELECT TraceId FROM ${this.traces} WHERE ${where}
         GROUP BY TraceId ORDER BY max(Timestamp) DESC LIMIT {candidates:UInt32}
       )
       SELECT TraceId,
              toString(min(toUnixTimestamp64Nano(Timestamp))) AS startNs,
              toString(max(toUnixTimestamp64Nano(Timestamp) + Duration) - min(toUnixTimestamp64Nano(Timestamp))) AS durationNs,
              count() AS spanCount,
              countIf(StatusCode = 'Error') AS errorCount,
              if(countIf(ParentSpanId = '') > 0, argMinIf(ServiceName, Timestamp, ParentSpanId = ''), argMin(ServiceName, Timestamp)) AS rootService,
              if(countIf(ParentSpanId = '') > 0, argMinIf(SpanName, Timestamp, ParentSpanId = ''), argMin(SpanName, Timestamp)) AS rootOperation,
              sumMap(map(toString(ServiceName), toUInt64(1))) AS services
       FROM ${this.traces}
       WHERE TraceId IN candidates AND ${Queries.RANGE}
       GROUP BY TraceId
       ORDER BY ${ORDER[f.sort]}
       LIMIT {limit:UInt32}`,
      { ...params, candidates, limit: f.limit },
    );
  }

  /** Service edges over whole minutes of the range, from the per-minute edge table. */
  dependencies(range: TimeRange): Promise<{ parent: string; child: string; kind: string; calls: string; errors: string; latency: [number, number, number] }[]> {
    return this.rows(
      `SELECT Parent AS parent, Child AS child, Kind AS kind, sum(Calls) AS calls, sum(Errors) AS errors,
              quantilesTDigestMerge(0.5, 0.95, 0.99)(Latency) AS latency
       FROM ${this.edges}
       WHERE Minute >= toStartOfMinute(fromUnixTimestamp64Nano({startNs:Int64})) AND Minute <= fromUnixTimestamp64Nano({endNs:Int64})
       GROUP BY Parent, Child, Kind
       ORDER BY calls DESC`,
      Queries.rangeParams(range),
    );
  }

  /**
   * Rate, errors and duration percentiles of a service (or one operation) per
   * time bucket. Server and consumer spans are the service's requests; with an
   * operation, every span of that name counts.
   */
  redSeries(service: string, range: TimeRange, bucketSeconds: number, operation?: string): Promise<{ t: string; calls: string; errors: string; q: [number, number, number, number] }[]> {
    return this.rows(
      `SELECT toString(toUnixTimestamp(toStartOfInterval(Timestamp, toIntervalSecond({bucket:UInt32})))) AS t,
              count() AS calls, countIf(StatusCode = 'Error') AS errors,
              quantiles(0.5, 0.9, 0.95, 0.99)(Duration) AS q
       FROM ${this.traces}
       WHERE ServiceName = {service:String} AND ${Queries.RANGE}
         AND ${operation === undefined ? "SpanKind IN ('Server', 'Consumer')" : 'SpanName = {operation:String}'}
       GROUP BY t ORDER BY t`,
      { ...Queries.rangeParams(range), service, bucket: bucketSeconds, operation: operation ?? '' },
    );
  }

  /** A latency histogram of the same spans, on log-spaced buckets (powers of two of nanoseconds). */
  redHistogram(service: string, range: TimeRange, operation?: string): Promise<{ le: string; count: string }[]> {
    return this.rows(
      `SELECT toString(pow(2, ceil(log2(greatest(Duration, 1))))) AS le, count() AS count
       FROM ${this.traces}
       WHERE ServiceName = {service:String} AND ${Queries.RANGE}
         AND ${operation === undefined ? "SpanKind IN ('Server', 'Consumer')" : 'SpanName = {operation:String}'}
       GROUP BY le ORDER BY toFloat64(le)`,
      { ...Queries.rangeParams(range), service, operation: operation ?? '' },
    );
  }

  /**
   * Per (service, operation) with at least `minSamples` spans over the baseline
   * range, in one pass: median and robust spread of ln(duration) (the spread from
   * the interquartile range, IQR / 1.349, robust like MAD but one scan
   * instead of two), p50, p95 and error rate.
   */
  baselines(
    range: TimeRange,
    baseStartNs: bigint,
    minSamples: number,
  ): Promise<{ service: string; operation: string; samples: string; logMedian: number; logSigma: number; p50: number; p95: number; errorRate: number }[]> {
    return this.rows(
      `SELECT ServiceName AS service, SpanName AS operation, count() AS samples,
              quantiles(0.25, 0.5, 0.75)(log(greatest(Duration, 1))) AS lq, lq[2] AS logMedian, (lq[3] - lq[1]) / 1.349 AS logSigma,
              quantiles(0.5, 0.95)(Duration) AS dq, dq[1] AS p50, dq[2] AS p95,
              countIf(StatusCode = 'Error') / count() AS errorRate
       FROM ${this.traces}
       WHERE Timestamp >= fromUnixTimestamp64Nano({baseStartNs:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
       GROUP BY service, operation HAVING samples >= {minSamples:UInt32}`,
      { ...Queries.rangeParams(range), baseStartNs: baseStartNs.toString(), minSamples },
    );
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
      `SELECT service, operation, count() AS spans,
              countIf(z > 2) AS over2, countIf(z > 3) AS over3, countIf(z > 5) AS over5,
              arraySlice(arrayReverseSort(x -> x.1, groupArrayIf(200)((z, TraceId, toString(Duration)), z > 2)), 1, 5) AS examples
       FROM (
         SELECT t.TraceId AS TraceId, t.Duration AS Duration, b.service AS service, b.operation AS operation,
                (log(greatest(t.Duration, 1)) - b.logMedian) / greatest(b.logSigma, 0.01) AS z
         FROM ${this.traces} AS t
         INNER JOIN (
           SELECT x.1 AS service, x.2 AS operation, x.3 AS logMedian, x.4 AS logSigma
           FROM (SELECT arrayJoin(arrayZip({services:Array(String)}, {operations:Array(String)}, {medians:Array(Float64)}, {sigmas:Array(Float64)})) AS x)
         ) AS b ON t.ServiceName = b.service AND t.SpanName = b.operation
         WHERE t.Timestamp >= fromUnixTimestamp64Nano({startNs:Int64}) AND t.Timestamp <= fromUnixTimestamp64Nano({endNs:Int64})
       )
       GROUP BY service, operation`,
      {
        ...Queries.rangeParams(range),
        services: baselines.map((b) => b.service),
        operations: baselines.map((b) => b.operation),
        medians: baselines.map((b) => b.logMedian),
        sigmas: baselines.map((b) => b.logSigma),
      },
    );
  }

  /** Per operation and bucket: calls, errors, median ln(duration), p50 and p95, and a few trace ids. */
  operationBuckets(
    range: TimeRange,
    bucketSeconds: number,
  ): Promise<{ service: string; operation: string; t: string; calls: string; errors: string; logMedian: number; p50: number; p95: number; examples: string[] }[]> {
    return this.rows(
      `SELECT ServiceName AS service, SpanName AS operation,
              toString(toUnixTimestamp(toStartOfInterval(Timestamp, toIntervalSecond({bucket:UInt32})))) AS t,
              count() AS calls, countIf(StatusCode = 'Error') AS errors,
              quantile(0.5)(log(greatest(Duration, 1))) AS logMedian, quantile(0.5)(Duration) AS p50, quantile(0.95)(Duration) AS p95,
              arraySlice(groupArray(20)(TraceId), 1, 3) AS examples
       FROM ${this.traces}
       WHERE ${Queries.RANGE}
       GROUP BY service, operation, t ORDER BY service, operation, t`,
      { ...Queries.rangeParams(range), bucket: bucketSeconds },
    );
  }

  /** The time range of a trace, from the lookup table; undefined when the trace is unknown. */
  async traceRange(traceId: string): Promise<TimeRange | undefined> {
    const [row] = await this.rows<{ startS: string; endS: string; n: string }>(
      `SELECT toString(toUnixTimestamp(min(Start))) AS startS, toString(toUnixTimestamp(max(End))) AS endS, count() AS n
       FROM ${this.lookup} WHERE TraceId = {traceId:String}`,
      { traceId },
    );
    // 64-bit counts come back as numbers from chDB and as strings from a server.
    if (!row || Number(row.n) === 0) return undefined;
    // Start and End are whole seconds of span starts: widen to cover the last second.
    return { startNs: BigInt(row.startS) * 1_000_000_000n, endNs: (BigInt(row.endS) + 1n) * 1_000_000_000n };
  }

  /** All spans of a trace, read only from the partitions its time range covers. */
  traceSpans(traceId: string, range: TimeRange): Promise<SpanRow[]> {
    return this.rows(
      `SELECT TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName, ResourceAttributes,
              ScopeName, ScopeVersion, SpanAttributes,
              toString(toUnixTimestamp64Nano(Timestamp)) AS startNs, toString(Duration) AS durationNs,
              StatusCode, StatusMessage,
              arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Events.Timestamp) AS eventTimesNs,
              Events.Name AS eventNames, Events.Attributes AS eventAttributes,
              Links.TraceId AS linkTraceIds, Links.SpanId AS linkSpanIds,
              Links.TraceState AS linkTraceStates, Links.Attributes AS linkAttributes
       FROM ${this.traces}
       WHERE TraceId = {traceId:String} AND ${Queries.RANGE}`,
      { traceId, ...Queries.rangeParams(range) },
    );
  }
}
