/**
 * The query API: native JSON under /api/v1 and the Jaeger query API under /api.
 * Handlers validate parameters (params.ts), run named queries (viewer/query/queries.ts) and
 * convert rows (viewer/query/rows.ts, jaeger.ts); they never build SQL.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { asHindsightError, HindsightError } from '../../common/errors';
import type { Store } from '../../storage/store';
import { SPAN_KINDS } from '../../storage/columns';
import { clientErrorOf } from './client-errors';
import { jaegerRange, jaegerResponse, jaegerTags, toJaegerTrace } from './jaeger';
import { toSpan, toTraceSummary } from '../query/rows';
import { OPENAPI } from './openapi';
import { toOtlpJson } from './otlp-json';
import { BadParameter, STATUSES, checkedRange, TRACE_SORTS, attributeFilter, limitParam, oneOf, optionalDurationNs, optionalString, stringList, timeRange, traceIdParam } from './params';
import { Queries, type TraceFilters } from '../query/queries';
import { buildTree } from '../model/trace-tree';
import { criticalPath } from '../model/critical-path';
import { zScore } from '../model/anomalies';
import { dependencyMap } from '../query/dependencies';
import { findAnomalies } from '../query/anomalies';
import type { ApiError, AttributeKeysResponse, CriticalPathResponse, RedResponse, OperationsResponse, ServicesResponse, Span, TraceResponse, TraceSearchResponse } from './types';

export function apiRouter(store: Store): Router {
  const queries = new Queries(store.client, store.sql);
  const router = Router();

  /** All spans of a trace, or undefined when it is unknown. */
  async function traceSpans(traceId: string): Promise<Span[] | undefined> {
    const range = await queries.traceRange(traceId);
    if (range === undefined) return undefined;
    const spans = (await queries.traceSpans(traceId, range)).map(toSpan);
    return spans.length > 0 ? spans : undefined;
  }

  // --- native API ---

  router.get('/v1/openapi.json', (_req, res) => {
    res.json(OPENAPI);
  });

  router.get('/v1/services', async (req, res) => {
    const rows = await queries.services(timeRange(req.query));
    const body: ServicesResponse = {
      services: rows.map((r) => {
        const spanCount = Number(r.spanCount);
        const errorCount = Number(r.errorCount);
        return { name: r.name, spanCount, errorCount, errorRate: spanCount === 0 ? 0 : errorCount / spanCount };
      }),
    };
    res.json(body);
  });

  router.get('/v1/services/:service/operations', async (req, res) => {
    const rows = await queries.operations(serviceParam(req.params['service']), timeRange(req.query));
    const body: OperationsResponse = { operations: rows.map((r) => ({ name: r.name, spanKind: r.spanKind, spanCount: Number(r.spanCount) })) };
    res.json(body);
  });

  router.get('/v1/services/:service/metrics', async (req, res) => {
    const service = serviceParam(req.params['service']);
    const operation = optionalString(req.query, 'operation');
    const range = timeRange(req.query);
    const bucketSeconds = bucketFor(range);
    const [series, histogram] = await Promise.all([queries.redSeries(service, range, bucketSeconds, operation), queries.redHistogram(service, range, operation)]);
    const body: RedResponse = {
      service,
      operation,
      bucketSeconds,
      series: series.map((r) => {
        const calls = Number(r.calls);
        const errors = Number(r.errors);
        const [p50, p90, p95, p99] = r.q.map((v) => Math.round(v));
        return { t: Number(r.t), calls, rate: calls / bucketSeconds, errors, errorRate: calls === 0 ? 0 : errors / calls, p50Ns: p50!, p90Ns: p90!, p95Ns: p95!, p99Ns: p99! };
      }),
      histogram: histogram.map((h) => ({ leNs: Number(h.le), count: Number(h.count) })),
    };
    res.json(body);
  });

  router.get('/v1/attributes/keys', async (req, res) => {
    const body: AttributeKeysResponse = { keys: await queries.attributeKeys(timeRange(req.query), optionalString(req.query, 'service')) };
    res.json(body);
  });

  router.get('/v1/traces', async (req, res) => {
    const filters = nativeFilters(req.query);
    const body: TraceSearchResponse = { traces: (await queries.searchTraces(filters)).map(toTraceSummary), limit: filters.limit };
    res.json(body);
  });

  router.get('/v1/anomalies', async (req, res) => {
    const range = timeRange(req.query);
    const baselineDays = limitParam(req.query, 'baselineDays', 7, 30);
    res.json(await findAnomalies(queries, range, baselineDays, anomalyBucketFor(range)));
  });

  router.get('/v1/dependencies', async (req, res) => {
    const range = timeRange(req.query);
    res.json(dependencyMap(await queries.dependencies(range), range));
  });

  router.get('/v1/traces/:traceId', async (req, res) => {
    const traceId = traceIdParam(String(req.params['traceId']));
    const spans = await traceSpans(traceId);
    if (spans === undefined) throw new HindsightError('HS_NOT_FOUND', `trace ${traceId} not found`);
    const body: TraceResponse = { traceId, spans };
    res.json(body);
  });

  router.get('/v1/traces/:traceId/critical-path', async (req, res) => {
    const traceId = traceIdParam(String(req.params['traceId']));
    const spans = await traceSpans(traceId);
    if (spans === undefined) throw new HindsightError('HS_NOT_FOUND', `trace ${traceId} not found`);
    const tree = buildTree(spans);
    const path = criticalPath(tree);
    const at = (offset: number): string => (tree.startNs + BigInt(Math.round(offset))).toString();
    const body: CriticalPathResponse = {
      traceId,
      segments: path.segments.map((s) => ({ spanId: s.spanId, start: at(s.start), end: at(s.end), selfTime: String(Math.round(s.selfTime)) })),
      warnings: path.warnings,
    };
    res.json(body);
  });

  // Spans of the trace far outside their operation's baseline (the last 7 days), for the waterfall.
  router.get('/v1/traces/:traceId/outliers', async (req, res) => {
    const traceId = traceIdParam(String(req.params['traceId']));
    const spans = await traceSpans(traceId);
    if (spans === undefined) throw new HindsightError('HS_NOT_FOUND', `trace ${traceId} not found`);
    const endNs = BigInt(Date.now()) * 1_000_000n;
    const baselines = await queries.baselines({ startNs: endNs - 3_600_000_000_000n, endNs }, endNs - 7n * 86_400_000_000_000n, 50);
    const byOperation = new Map(baselines.map((b) => [`${b.service}\u0000${b.operation}`, b]));
    const outliers = spans.flatMap((s) => {
      const b = byOperation.get(`${s.service}\u0000${s.name}`);
      if (!b) return [];
      const z = zScore(Number(s.durationNs), b);
      return z > 3 ? [{ spanId: s.spanId, z: Math.round(z * 10) / 10, severity: z > 5 ? 'critical' : 'warning', baselineP50Ns: Math.round(Math.exp(b.logMedian)) }] : [];
    });
    res.json({ traceId, outliers });
  });

  router.get('/v1/traces/:traceId/otlp', async (req, res) => {
    const traceId = traceIdParam(String(req.params['traceId']));
    const spans = await traceSpans(traceId);
    if (spans === undefined) throw new HindsightError('HS_NOT_FOUND', `trace ${traceId} not found`);
    res.setHeader('Content-Disposition', `attachment; filename="trace-${traceId}.otlp.json"`);
    res.json(toOtlpJson(spans));
  });

  router.use('/v1', (req, _res, next) => {
    next(new HindsightError('HS_NOT_FOUND', `no API route for ${req.method} /api/v1${req.path}; see /api/v1/openapi.json`));
  });
  router.use('/v1', nativeErrors);

  // --- Jaeger query API ---

  router.get('/services', async (req, res) => {
    const rows = await queries.services(timeRange(req.query, Date.now(), '7d'));
    res.json(jaegerResponse(rows.map((r) => r.name)));
  });

  router.get('/services/:service/operations', async (req, res) => {
    const rows = await queries.operations(serviceParam(req.params['service']), timeRange(req.query, Date.now(), '7d'));
    res.json(jaegerResponse([...new Set(rows.map((r) => r.name))]));
  });

  router.get('/operations', async (req, res) => {
    const service = optionalString(req.query, 'service');
    if (service === undefined) throw new BadParameter('service', 'required');
    const kind = optionalString(req.query, 'spanKind', 32);
    const spanKind = kind === undefined ? undefined : SPAN_KINDS.find((k) => k.toLowerCase() === kind.toLowerCase());
    if (kind !== undefined && spanKind === undefined) throw new BadParameter('spanKind', `expected one of ${SPAN_KINDS.map((k) => k.toLowerCase()).join(', ')}`);
    const rows = await queries.operations(service, timeRange(req.query, Date.now(), '7d'), spanKind);
    res.json(jaegerResponse(rows.map((r) => ({ name: r.name, spanKind: r.spanKind === 'Unspecified' ? '' : r.spanKind.toLowerCase() }))));
  });

  router.get('/traces', async (req, res) => {
    const tags = jaegerTags(req.query);
    const filters: TraceFilters = {
      range: jaegerRange(req.query),
      service: optionalString(req.query, 'service'),
      operation: optionalString(req.query, 'operation'),
      attributes: tags.attributes,
      minDurationNs: optionalDurationNs(req.query, 'minDuration'),
      maxDurationNs: optionalDurationNs(req.query, 'maxDuration'),
      status: tags.error ? 'error' : undefined,
      limit: limitParam(req.query, 'limit', 20, 1500),
      sort: 'newest',
    };
    const found = await queries.searchTraces(filters);
    const traces = [];
    for (const t of found) {
      const spans = await traceSpans(t.TraceId);
      if (spans !== undefined) traces.push(toJaegerTrace(t.TraceId, spans));
    }
    res.json(jaegerResponse(traces));
  });

  // Jaeger's endTs and lookback are milliseconds.
  router.get('/dependencies', async (req, res) => {
    const endMs = optionalString(req.query, 'endTs', 16) ?? String(Date.now());
    const lookbackMs = optionalString(req.query, 'lookback', 16) ?? String(86_400_000);
    if (!/^\d+$/.test(endMs)) throw new BadParameter('endTs', 'expected Unix milliseconds');
    if (!/^\d+$/.test(lookbackMs)) throw new BadParameter('lookback', 'expected milliseconds');
    const range = checkedRange({ startNs: (BigInt(endMs) - BigInt(lookbackMs)) * 1_000_000n, endNs: BigInt(endMs) * 1_000_000n });
    const rows = await queries.dependencies(range);
    const calls = new Map<string, { parent: string; child: string; callCount: number }>();
    for (const r of rows) {
      const key = `${r.parent}\u0000${r.child}`;
      const entry = calls.get(key) ?? { parent: r.parent, child: r.child, callCount: 0 };
      entry.callCount += Number(r.calls);
      calls.set(key, entry);
    }
    res.json(jaegerResponse([...calls.values()]));
  });

  router.get('/traces/:traceId', async (req, res) => {
    const traceId = traceIdParam(String(req.params['traceId']));
    const spans = await traceSpans(traceId);
    if (spans === undefined) throw new HindsightError('HS_NOT_FOUND', `trace ${traceId} not found`);
    res.json(jaegerResponse([toJaegerTrace(traceId, spans)]));
  });

  router.use((req, _res, next) => {
    next(new HindsightError('HS_NOT_FOUND', `no API route for ${req.method} /api${req.path}`));
  });
  router.use(jaegerErrors);
  return router;
}

/** About 60 points per chart: the smallest of these bucket sizes that keeps to it. */
const BUCKETS = [10, 30, 60, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 86_400];

export function bucketFor(range: { startNs: bigint; endNs: bigint }): number {
  const seconds = Number((range.endNs - range.startNs) / 1_000_000_000n);
  return BUCKETS.find((b) => seconds / b <= 60) ?? 86_400;
}

/** Anomaly buckets are finer than chart buckets: a five-minute incident must span several. */
function anomalyBucketFor(range: { startNs: bigint; endNs: bigint }): number {
  const seconds = Number((range.endNs - range.startNs) / 1_000_000_000n);
  return [60, 300, 900, 3600].find((b) => seconds / b <= 240) ?? 3600;
}

function serviceParam(value: unknown): string {
  if (typeof value !== 'string' || value === '' || value.length > 1024) throw new BadParameter('service', 'expected a service name');
  return value;
}

function nativeFilters(query: Request['query']): TraceFilters {
  const minDurationNs = optionalDurationNs(query, 'minDuration');
  const maxDurationNs = optionalDurationNs(query, 'maxDuration');
  if (minDurationNs !== undefined && maxDurationNs !== undefined && minDurationNs > maxDurationNs) {
    throw new BadParameter('minDuration', 'must not exceed maxDuration');
  }
  return {
    range: timeRange(query),
    service: optionalString(query, 'service'),
    operation: optionalString(query, 'operation'),
    attributes: stringList(query, 'attr').map((text) => attributeFilter(text)),
    minDurationNs,
    maxDurationNs,
    status: oneOf(query, 'status', STATUSES, undefined),
    limit: limitParam(query, 'limit', 20, 1000),
    sort: oneOf(query, 'sort', TRACE_SORTS, 'newest') ?? 'newest',
  };
}

function statusOf(err: unknown): HindsightError {
  // ClickHouse's own errors from a query are internal: parameters are validated first.
  return clientErrorOf(err) ?? asHindsightError(err);
}

function nativeErrors(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  const error = statusOf(err);
  const body: ApiError = { error: { code: error.code, message: error.message, ...(error instanceof BadParameter ? { parameter: error.parameter } : {}) } };
  res.status(error.httpStatus).json(body);
}

function jaegerErrors(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  const error = statusOf(err);
  res.status(error.httpStatus).json({ data: null, total: 0, limit: 0, offset: 0, errors: [{ code: error.httpStatus, msg: error.message }] });
}
