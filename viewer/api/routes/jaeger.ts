/**
 * The Jaeger query API, mounted at /api, for Jaeger UI and Grafana's Jaeger data
 * source: the same trace reader as the native routes, its parameters and answers in
 * Jaeger's dialect (../jaeger.ts).
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { HindsightError } from '../../../common/errors';
import type { TraceFilters } from '../../query/queries';
import type { TraceReader } from '../../query/reader';
import { apiErrorOf } from '../client-errors';
import { jaegerDependencyRange, jaegerRange, jaegerResponse, jaegerSpanKind, jaegerTags, jaegerTraceIds, toJaegerOperations, toJaegerTrace } from '../jaeger';
import { BadParameter, limitParam, optionalDurationNs, optionalString, timeRange, type Query, type TimeRange } from '../params';
import { serviceOf, traceIdOf } from './path-params';

/** Jaeger UI lists services and operations without a range: the last week's, unless it sends one. */
function listRange(query: Query): TimeRange {
  return timeRange(query, Date.now(), '7d');
}

/** Jaeger's search answers up to 100 traces when it is not given a limit. */
export const JAEGER_DEFAULT_LIMIT = 100;

/**
 * The routes, relative to /api, and a 404 for any other path under it. A range may be as long
 * as the client likes; `maxDays` (the retention, at least 31 days) bounds what is read.
 */
export function jaegerRoutes(reader: TraceReader, maxDays: number): Router {
  const router = Router();

  router.get('/services', async (req, res) => {
    const { services } = await reader.services(listRange(req.query));
    res.json(jaegerResponse(services.map((s) => s.name)));
  });

  router.get('/services/:service/operations', async (req, res) => {
    const service = serviceOf(req);
    const { operations } = await reader.operations(service, listRange(req.query));
    // One name per operation, whatever kinds of span carry it.
    res.json(jaegerResponse([...new Set(operations.map((o) => o.name))]));
  });

  router.get('/operations', async (req, res) => {
    const service = optionalString(req.query, 'service');
    if (service === undefined) throw new BadParameter('service', 'required');
    const spanKind = jaegerSpanKind(req.query);
    const { operations } = await reader.operations(service, listRange(req.query), spanKind);
    res.json(jaegerResponse(toJaegerOperations(operations)));
  });

  router.get('/traces', async (req, res) => {
    // Jaeger answers the traces asked for by id, whatever else the query says; each one not
    // stored is an error naming it, beside the traces found.
    const traceIds = jaegerTraceIds(req.query);
    if (traceIds.length > 0) {
      const { traces, missing } = await reader.traces(traceIds);
      const errors = missing.map((traceID) => ({ msg: 'trace not found', traceID }));
      res.json(
        jaegerResponse(
          traces.map((t) => toJaegerTrace(t.traceId, t.spans)),
          traces.length,
          errors.length > 0 ? errors : null,
        ),
      );
      return;
    }
    const traces = await reader.searchWithSpans(traceFilters(req.query, maxDays));
    res.json(jaegerResponse(traces.map((t) => toJaegerTrace(t.traceId, t.spans))));
  });

  router.get('/dependencies', async (req, res) => {
    res.json(jaegerResponse(await reader.serviceCalls(jaegerDependencyRange(req.query, maxDays))));
  });

  router.get('/traces/:traceId', async (req, res) => {
    const { traceId, spans } = await reader.trace(traceIdOf(req));
    res.json(jaegerResponse([toJaegerTrace(traceId, spans)]));
  });

  router.use((req, _res, next) => {
    next(new HindsightError('HS_NOT_FOUND', `no API route for ${req.method} /api${req.path}`));
  });
  return router;
}

/** Every error under /api in Jaeger's envelope: no data, the HTTP status and message in `errors`. */
export function jaegerErrors(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  const error = apiErrorOf(err);
  res.status(error.httpStatus).json({ data: null, total: 0, limit: 0, offset: 0, errors: [{ code: error.httpStatus, msg: error.message }] });
}

/** Jaeger's search: newest first, `tags` as tag filters (jaeger.ts), up to 100 traces unless `limit` says. */
function traceFilters(query: Query, maxDays: number): TraceFilters {
  return {
    range: jaegerRange(query, maxDays),
    service: optionalString(query, 'service'),
    operation: optionalString(query, 'operation'),
    ...jaegerTags(query),
    minDurationNs: optionalDurationNs(query, 'minDuration'),
    maxDurationNs: optionalDurationNs(query, 'maxDuration'),
    limit: limitParam(query, 'limit', JAEGER_DEFAULT_LIMIT, 1500),
    sort: 'newest',
  };
}
