/**
 * The query API: native JSON under /api/v1 (routes/native.ts) and the Jaeger query API
 * under /api (routes/jaeger.ts), both asking one trace reader (viewer/query/reader.ts).
 * Each dialect answers its errors in its own body; /v1 comes first, so a path under it
 * that no native route takes is the native 404, never a Jaeger route.
 */
import { Router } from 'express';
import type { Store } from '../../storage/store';
import type { ServerInfoResponse } from './types';
import { Queries } from '../query/queries';
import { TraceReader } from '../query/reader';
import { jaegerErrors, jaegerRoutes } from './routes/jaeger';
import { nativeErrors, nativeRoutes } from './routes/native';

export function apiRouter(store: Store, server: () => ServerInfoResponse): Router {
  const reader = new TraceReader(new Queries(store.reader, store.sql));
  const router = Router();
  router.use('/v1', nativeRoutes(reader, server), nativeErrors);
  router.use(jaegerRoutes(reader), jaegerErrors);
  return router;
}
