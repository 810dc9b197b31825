/**
 * What the query API reads, one method per question: each runs the named queries
 * (queries.ts) and answers an API type, so that a route only parses its parameters
 * and sends the answer. Native and Jaeger routes share it; only their formats differ.
 */
import { HindsightError } from '../../common/errors';
import { compareTraces } from '../model/compare';
import { criticalPath } from '../model/critical-path';
import { buildTree, firstStartNs } from '../model/trace-tree';
import type { TimeRange } from '../api/params';
import type {
  AnomaliesResponse,
  AttributeKeysResponse,
  CompareResponse,
  CriticalPathResponse,
  DependenciesResponse,
  ExplainResponse,
  OperationsResponse,
  OutliersResponse,
  RedResponse,
  ServicesResponse,
  Span,
  SpanKind,
  TraceResponse,
  TraceSearchResponse,
} from '../api/types';
import { findAnomalies } from './anomalies';
import { anomalyBucketFor, bucketFor } from './buckets';
import { adjustSummaries, bySlowest } from './skewed-summaries';
import { dependencyMap, serviceCalls, type ServiceCalls } from './dependencies';
import { outlierBaselineRange, OUTLIER_MIN_SAMPLES, scoreOutliers, youngBefore } from './outliers';
import { toExplain } from './explain';
import type { ExplainFilters, Queries, TraceFilters } from './queries';
import { toRed } from './red';
import { toOperationSummary, toServiceSummary, toSpan, toTraceSummary } from './rows';

/** A baseline younger than this many seconds caps severity at warning (`--anomaly-min-baseline-seconds`'s default). */
export const DEFAULT_MIN_BASELINE_SECONDS = 3600;

export interface ReaderOptions {
  /** Anomalies and outlier marks against a baseline younger than this (seconds) are at most warnings. */
  minBaselineSeconds: number;
}

export class TraceReader {
  constructor(
    private readonly queries: Queries,
    /** Unix milliseconds; outliers are judged against the baseline up to now. */
    private readonly now: () => number = Date.now,
    private readonly options: ReaderOptions = { minBaselineSeconds: DEFAULT_MIN_BASELINE_SECONDS },
  ) {}

  /** All spans of a trace, or undefined when none are stored. */
  private async spans(traceId: string): Promise<Span[] | undefined> {
    const spans = (await this.queries.traceSpans(traceId)).map(toSpan);
    return spans.length > 0 ? spans : undefined;
  }

  /** A stored trace; HS_NOT_FOUND (404) when it has no spans. */
  async trace(traceId: string): Promise<TraceResponse> {
    const spans = await this.spans(traceId);
    if (spans === undefined) throw new HindsightError('HS_NOT_FOUND', `trace ${traceId} not found`);
    return { traceId, spans };
  }

  /**
   * The stored traces among `traceIds`, in their order, in one read; the ids of those not
   * stored are `missing`. With a range, only spans that start in it count (Jaeger's API v3
   * reads a trace between start_time and end_time when it is given them).
   */
  async traces(traceIds: string[], range?: Partial<TimeRange>): Promise<{ traces: TraceResponse[]; missing: string[] }> {
    const byTrace = new Map<string, Span[]>(traceIds.map((id) => [id, []]));
    for (const row of await this.queries.tracesById(traceIds)) {
      const ns = BigInt(row.startNs);
      if ((range?.startNs !== undefined && ns < range.startNs) || (range?.endNs !== undefined && ns > range.endNs)) continue;
      byTrace.get(row.TraceId)?.push(toSpan(row));
    }
    const traces = [...byTrace].filter(([, spans]) => spans.length > 0).map(([traceId, spans]) => ({ traceId, spans }));
    return { traces, missing: [...byTrace].filter(([, spans]) => spans.length === 0).map(([id]) => id) };
  }

  /**
   * Two stored traces merged by call path (viewer/model/compare.ts), in one read;
   * HS_NOT_FOUND naming each id that has no spans.
   */
  async compare(a: string, b: string): Promise<CompareResponse> {
    const { traces, missing } = await this.traces(a === b ? [a] : [a, b]);
    if (missing.length > 0) throw new HindsightError('HS_NOT_FOUND', `trace${missing.length > 1 ? 's' : ''} ${missing.join(' and ')} not found`);
    const spansOf = (id: string): Span[] => traces.find((t) => t.traceId === id)!.spans;
    return compareTraces({ traceId: a, spans: spansOf(a) }, { traceId: b, spans: spansOf(b) });
  }

  async criticalPath(traceId: string): Promise<CriticalPathResponse> {
    const { spans } = await this.trace(traceId);
    return toCriticalPath(traceId, spans);
  }

  /** Spans of the trace far outside their operation's baseline (outliers.ts has the thresholds). */
  async outliers(traceId: string): Promise<OutliersResponse> {
    const { spans } = await this.trace(traceId);
    const { window, historyStartNs } = outlierBaselineRange(this.now());
    const baselines = await this.queries.baselines(window, historyStartNs, OUTLIER_MIN_SAMPLES, this.options.minBaselineSeconds);
    return { traceId, outliers: scoreOutliers(spans, baselines, youngBefore(window.endNs, this.options.minBaselineSeconds)) };
  }

  /**
   * Traces that match, as the summaries table has them, with the start and duration of those
   * the trace model adjusts for clock skew corrected: those few are read whole and built as
   * the trace page builds them. Only a trace with a span that starts before its root can be
   * one whose shown start and duration move (a skewed server span ahead of its parent), and the
   * summaries say which those are, so most searches read no spans for it: reading even twenty
   * listed traces' spans costs a bloom-filter pass over their time range (0.4-1 s at 100M spans).
   * A span skewed only past its parent's end is corrected on the trace page, not in the list.
   * The candidates were still chosen, and filtered by duration, on the stored times; sorted by
   * slowest, the page is put in order again (see README).
   */
  async search(filters: TraceFilters): Promise<TraceSearchResponse> {
    const found = await this.queries.searchTraces(filters);
    const traces = found.map(toTraceSummary);
    const early = found.filter((t) => BigInt(t.startNs) < BigInt(t.rootStartNs));
    const skewed =
      early.length === 0
        ? []
        : await this.queries.skewedTraces(
            early.map((t) => t.TraceId),
            spannedRange(early),
          );
    if (skewed.length > 0) {
      const byTrace = new Map<string, Span[]>(skewed.map((id) => [id, []]));
      for (const row of await this.queries.tracesSpans(skewed, spannedRange(early), 'shape')) byTrace.get(row.TraceId)?.push(toSpan(row));
      const adjusted = adjustSummaries(traces, byTrace);
      return { traces: filters.sort === 'slowest' ? bySlowest(adjusted) : adjusted, limit: filters.limit };
    }
    return { traces, limit: filters.limit };
  }

  /**
   * The traces a search finds, each with all its spans (Jaeger answers whole traces), in the
   * search's order: one read of every found trace's spans, over the range their summaries
   * span. A newest search by span filters summarizes nothing: its traces' spans are read by
   * id, and the traces put newest first by their first span, the order the summaries would
   * give. A trace whose spans are gone by the time they are read is left out.
   */
  async searchWithSpans(filters: TraceFilters): Promise<TraceResponse[]> {
    const ids = await this.queries.newestTraceIds(filters);
    if (ids !== undefined) {
      return (await this.traces(ids)).traces
        .map((t) => ({ t, start: firstStartNs(t.spans) }))
        .sort((a, b) => (a.start === b.start ? 0 : a.start > b.start ? -1 : 1))
        .map(({ t }) => t);
    }
    const found = await this.queries.searchTraces(filters);
    if (found.length === 0) return [];
    const byTrace = new Map<string, Span[]>(found.map((t) => [t.TraceId, []]));
    for (const row of await this.queries.tracesSpans([...byTrace.keys()], spannedRange(found))) byTrace.get(row.TraceId)?.push(toSpan(row));
    return [...byTrace].filter(([, spans]) => spans.length > 0).map(([traceId, spans]) => ({ traceId, spans }));
  }

  /**
   * "Why are these slow?": the matching traces' durations and the threshold first (the given
   * one, or their 95th percentile), then what differs between a sample of the slow traces and
   * one of the rest, counted in ClickHouse and scored in explain.ts.
   */
  async explain(filters: ExplainFilters): Promise<ExplainResponse> {
    const durations = await this.queries.explainDurations(filters);
    const matching = Number(durations?.traces ?? 0);
    const candidates = matching === 0 || durations === undefined ? [] : await this.queries.explainCandidates(filters, BigInt(durations.thresholdNs));
    return toExplain(durations, candidates, filters.thresholdNs !== undefined);
  }

  async services(range: TimeRange): Promise<ServicesResponse> {
    return { services: (await this.queries.services(range)).map(toServiceSummary) };
  }

  /** A service's operations, of one span kind when `spanKind` is given. */
  async operations(service: string, range: TimeRange, spanKind?: SpanKind): Promise<OperationsResponse> {
    return { operations: (await this.queries.operations(service, range, spanKind)).map(toOperationSummary) };
  }

  async attributeKeys(range: TimeRange, service?: string): Promise<AttributeKeysResponse> {
    return { keys: await this.queries.attributeKeys(range, service) };
  }

  /** Rate, errors and duration of a service (or one of its operations), on the chart's bucket for the range. */
  async red(service: string, range: TimeRange, operation?: string): Promise<RedResponse> {
    const bucketSeconds = bucketFor(range);
    return toRed({ service, operation, bucketSeconds, series: await this.queries.redSeries(service, range, bucketSeconds, operation) });
  }

  anomalies(range: TimeRange, baselineDays: number): Promise<AnomaliesResponse> {
    return findAnomalies(this.queries, range, { baselineDays, bucketSeconds: anomalyBucketFor(range), minBaselineSeconds: this.options.minBaselineSeconds });
  }

  async dependencies(range: TimeRange): Promise<DependenciesResponse> {
    const [edges, requests] = await Promise.all([this.queries.dependencies(range), this.queries.serviceRequests(range)]);
    return dependencyMap(edges, requests, range);
  }

  /** Calls per pair of services, for Jaeger's dependency links. */
  async serviceCalls(range: TimeRange): Promise<ServiceCalls[]> {
    return serviceCalls(await this.queries.dependencies(range));
  }
}

/** The time range the found traces' summaries cover, from the first start to the last end. */
function spannedRange(found: { startNs: string; durationNs: string }[]): TimeRange {
  const starts = found.map((t) => BigInt(t.startNs));
  const ends = found.map((t) => BigInt(t.startNs) + BigInt(t.durationNs));
  return { startNs: starts.reduce((a, b) => (b < a ? b : a)), endNs: ends.reduce((a, b) => (b > a ? b : a)) };
}

/** The critical path of a trace with its offsets made Unix nanoseconds again, as decimal strings. */
export function toCriticalPath(traceId: string, spans: Span[]): CriticalPathResponse {
  const tree = buildTree(spans);
  const path = criticalPath(tree);
  const at = (offset: number): string => (tree.startNs + BigInt(Math.round(offset))).toString();
  return {
    traceId,
    segments: path.segments.map((s) => ({ spanId: s.spanId, start: at(s.start), end: at(s.end), selfTime: String(Math.round(s.selfTime)) })),
    warnings: path.warnings,
  };
}
