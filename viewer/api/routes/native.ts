/**
 * The native query API, mounted at /api/v1: each route parses its parameters
 * (params.ts), asks the trace reader one question and sends its answer, an API type
 * from types.ts. Routes never build SQL or shape rows; viewer/query/ does.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { HindsightError } from '../../../common/errors';
import type { Metrics } from '../../../common/metrics';
import type { TailHub } from '../../tail/hub';
import type { ExplainFilters, TraceFilters } from '../../query/queries';
import type { TraceReader } from '../../query/reader';
import { apiErrorOf } from '../client-errors';
import { OPENAPI } from '../openapi';
import { toOtlpJson } from '../otlp-json';
import {
  BadParameter,
  STATUSES,
  TRACE_SORTS,
  attributeFilter,
  limitParam,
  oneOf,
  optionalDurationNs,
  optionalThresholdNs,
  optionalString,
  stringList,
  timeRange,
  traceIdParam,
  type Query,
} from '../params';
import type { ApiError, ServerInfoResponse } from '../types';
import { serviceOf, traceIdOf } from './path-params';
import { tailHandler } from './tail';

/** The live tail's subscribers and the metrics its streams report to. */
export interface LiveTail {
  hub: TailHub;
  metrics: Metrics;
}

/** The routes, relative to /api/v1, and a 404 for any other path under it. */
export function nativeRoutes(reader: TraceReader, server: () => ServerInfoResponse, tail: LiveTail | undefined): Router {
  const router = Router();

  router.get('/server', (_req, res) => {
    res.json(server());
  });

  router.get('/openapi.json', (_req, res) => {
    res.json(OPENAPI);
  });

  router.get('/services', async (req, res) => {
    res.json(await reader.services(timeRange(req.query)));
  });

  router.get('/services/:service/operations', async (req, res) => {
    const service = serviceOf(req);
    res.json(await reader.operations(service, timeRange(req.query)));
  });

  router.get('/services/:service/metrics', async (req, res) => {
    const service = serviceOf(req);
    const operation = optionalString(req.query, 'operation');
    res.json(await reader.red(service, timeRange(req.query), operation));
  });

  router.get('/attributes/keys', async (req, res) => {
    res.json(await reader.attributeKeys(timeRange(req.query), optionalString(req.query, 'service')));
  });

  router.get('/traces', async (req, res) => {
    res.json(await reader.search(traceFilters(req.query)));
  });

  router.get('/explain', async (req, res) => {
    res.json(await reader.explain(explainFilters(req.query)));
  });

  router.get('/anomalies', async (req, res) => {
    res.json(await reader.anomalies(timeRange(req.query), limitParam(req.query, 'baselineDays', 7, 30)));
  });

  router.get('/dependencies', async (req, res) => {
    res.json(await reader.dependencies(timeRange(req.query)));
  });

  router.get('/traces/:traceId', async (req, res) => {
    res.json(await reader.trace(traceIdOf(req)));
  });

  router.get('/traces/:traceId/critical-path', async (req, res) => {
    res.json(await reader.criticalPath(traceIdOf(req)));
  });

  router.get('/traces/:traceId/outliers', async (req, res) => {
    res.json(await reader.outliers(traceIdOf(req)));
  });

  router.get('/compare', async (req, res) => {
    const a = requiredTraceId(req.query, 'a');
    const b = requiredTraceId(req.query, 'b');
    res.json(await reader.compare(a, b));
  });

  router.get('/traces/:traceId/otlp', async (req, res) => {
    const { traceId, spans } = await reader.trace(traceIdOf(req));
    res.setHeader('Content-Disposition', `attachment; filename="trace-${traceId}.otlp.json"`);
    res.json(toOtlpJson(spans));
  });

  if (tail !== undefined) router.get('/tail', tailHandler(tail.hub, tail.metrics));

  router.use((req, _res, next) => {
    next(new HindsightError('HS_NOT_FOUND', `no API route for ${req.method} /api/v1${req.path}; see /api/v1/openapi.json`));
  });
  return router;
}

/** Every error under /api/v1 as an ApiError body, naming the bad parameter when there is one. */
export function nativeErrors(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  const error = apiErrorOf(err);
  const body: ApiError = { error: { code: error.code, message: error.message, ...(error instanceof BadParameter ? { parameter: error.parameter } : {}) } };
  res.status(error.httpStatus).json(body);
}

/** The filters search and explain share. */
function searchFilters(query: Query): ExplainFilters & Pick<TraceFilters, 'withServices'> {
  const minDurationNs = optionalDurationNs(query, 'minDuration');
  const maxDurationNs = optionalDurationNs(query, 'maxDuration');
  if (minDurationNs !== undefined && maxDurationNs !== undefined && minDurationNs > maxDurationNs) {
    throw new BadParameter('minDuration', 'must not exceed maxDuration');
  }
  // Repeated, `service` asks for traces with spans of every service named: the first is matched
  // as a single `service` is (with `operation`, by the same span), the others by the trace.
  const services = [...new Set(stringList(query, 'service'))];
  if (services.some((s) => s.length > 1024)) throw new BadParameter('service', 'longer than 1024 characters');
  const [service, ...others] = services;
  return {
    range: timeRange(query),
    service,
    withServices: others,
    operation: optionalString(query, 'operation'),
    attributes: stringList(query, 'attr').map((text) => attributeFilter(text)),
    minDurationNs,
    maxDurationNs,
    status: oneOf(query, 'status', STATUSES, undefined),
  };
}

function traceFilters(query: Query): TraceFilters {
  return {
    ...searchFilters(query),
    limit: limitParam(query, 'limit', 20, 1000),
    sort: oneOf(query, 'sort', TRACE_SORTS, 'newest') ?? 'newest',
  };
}

/** A trace id in the query string, required: a missing or malformed one is a 400 naming it. */
function requiredTraceId(query: Query, name: string): string {
  const text = optionalString(query, name);
  if (text === undefined) throw new BadParameter(name, 'required: a trace id of up to 32 hex digits');
  return traceIdParam(text, name);
}

function explainFilters(query: Query): ExplainFilters {
  const { withServices, ...filters } = searchFilters(query);
  // Explain's statements match one service's spans; a second would be dropped without a word.
  if (withServices !== undefined && withServices.length > 0) throw new BadParameter('service', 'one service only here');
  return { ...filters, thresholdNs: optionalThresholdNs(query, 'threshold') };
}
