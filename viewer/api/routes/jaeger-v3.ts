/**
 * Jaeger's API v3 over HTTP, mounted at /api/v3: what Jaeger UI (2.16 and later) and
 * Grafana's Jaeger data source in its gRPC-endpoint mode call. The same trace reader as
 * the other dialects; parameters and answers in ../jaeger-v3.ts.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { HindsightError } from '../../../common/errors';
import type { TraceReader } from '../../query/reader';
import { apiErrorOf } from '../client-errors';
import { toV3Operations, toV3Summary, v3Param, v3SpanKind, v3TraceFilters, v3TraceId, v3TraceRange, type V3Error } from '../jaeger-v3';
import { toTracesData } from '../otlp-json';
import { BadParameter, timeRange } from '../params';
import type { Span } from '../types';

/** The gateway answers a search or lookup that finds nothing with this 404. */
const NO_TRACES = 'No traces found';

function sendTraces(res: Response, traces: { spans: Span[] }[]): void {
  if (traces.length === 0) throw new HindsightError('HS_NOT_FOUND', NO_TRACES);
  res.json({ result: toTracesData(traces.map((t) => t.spans)) });
}

/** The routes, relative to /api/v3; `maxDays` bounds a search's range, as for the legacy API. */
export function jaegerV3Routes(reader: TraceReader, maxDays: number): Router {
  const router = Router();

  // The gateway's GetServices and GetOperations take no range: the last week's, as the legacy API lists them.
  router.get('/services', async (_req, res) => {
    const { services } = await reader.services(timeRange({}, Date.now(), '7d'));
    res.json({ services: services.map((s) => s.name) });
  });

  router.get('/operations', async (req, res) => {
    const [service] = v3Param(req.query, 'service', 'service');
    if (service === undefined) throw new BadParameter('service', 'required');
    const { operations } = await reader.operations(service, timeRange({}, Date.now(), '7d'), v3SpanKind(req.query));
    res.json({ operations: toV3Operations(operations) });
  });

  router.get('/traces', async (req, res) => {
    sendTraces(res, await reader.searchWithSpans(v3TraceFilters(req.query, maxDays)));
  });

  router.get('/trace-summaries', async (req, res) => {
    const { traces } = await reader.search(v3TraceFilters(req.query, maxDays));
    res.json({ summaries: traces.map(toV3Summary) });
  });

  router.get('/traces/:traceId', async (req, res) => {
    const traceId = v3TraceId(String(req.params['traceId']));
    const { traces } = await reader.traces([traceId], v3TraceRange(req.query));
    sendTraces(res, traces);
  });

  router.use((req, _res, next) => {
    next(new HindsightError('HS_NOT_FOUND', `no API v3 route for ${req.method} /api/v3${req.path}`));
  });
  return router;
}

/**
 * Every error under /api/v3 as the gateway writes it: GRPCGatewayError JSON through Go's
 * http.Error, so text/plain with a trailing newline. A bad parameter reads "malformed
 * parameter <name>: …", as the gateway's tryParamError says it.
 */
export function jaegerV3Errors(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  const error = apiErrorOf(err);
  const message = error instanceof BadParameter ? `malformed parameter ${error.message}` : error.message;
  const body: V3Error = { error: { httpCode: error.httpStatus, message } };
  res
    .status(error.httpStatus)
    .type('text/plain; charset=utf-8')
    .send(`${JSON.stringify(body)}\n`);
}
