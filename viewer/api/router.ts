/**
 * The query API: native JSON under /api/v1 (routes/native.ts), Jaeger's API v3 under
 * /api/v3 (routes/jaeger-v3.ts) and Jaeger's legacy query API under /api
 * (routes/jaeger.ts), all asking one trace reader (viewer/query/reader.ts). Each dialect
 * answers its errors in its own body; /v1 and /v3 come first, so a path under them that
 * none of their routes takes is their own 404, never a legacy Jaeger route.
 */
import { Router } from 'express';
import type { Store } from '../../storage/store';
import type { ServerInfoResponse } from './types';
import { Queries } from '../query/queries';
import { TraceReader } from '../query/reader';
import { jaegerErrors, jaegerRoutes } from './routes/jaeger';
import { jaegerV3Errors, jaegerV3Routes } from './routes/jaeger-v3';
import { nativeErrors, nativeRoutes, type LiveTail } from './routes/native';

/** `jaegerMaxDays`: how far back a Jaeger search reads, whatever range it asks for (the retention, at least MAX_RANGE_DAYS). */
export function apiRouter(store: Store, server: () => ServerInfoResponse, jaegerMaxDays: number, minBaselineSeconds: number, tail?: LiveTail): Router {
  const reader = new TraceReader(new Queries(store.reader, store.sql), Date.now, { minBaselineSeconds });
  const router = Router();
  router.use('/v1', nativeRoutes(reader, server, tail), nativeErrors);
  router.use('/v3', jaegerV3Routes(reader, jaegerMaxDays), jaegerV3Errors);
  router.use(jaegerRoutes(reader, jaegerMaxDays), jaegerErrors);
  return router;
}
