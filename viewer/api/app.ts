/**
 * The viewer's port: the query API (native under /api/v1, Jaeger-compatible under
 * /api), the built Svelte app, and the operational routes.
 */
import express, { type Express } from 'express';
import type { Config } from '../../collector/config';
import type { Metrics } from '../../collector/metrics';
import { opsRouter, type Readiness } from '../../collector/ops';
import type { Store } from '../../collector/store/client';
import { apiRouter } from './router';
import { sqlRouter, type SqlClients } from './sql';
import { staticRouter } from './static';

export interface ViewerDeps {
  store: Store;
  config: Config;
  metrics: Metrics;
  readiness: Readiness;
  sql: SqlClients;
}

export function viewerApp(deps: ViewerDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(opsRouter(deps.metrics, deps.readiness));
  app.use('/api/v1/sql', sqlRouter(deps.sql, deps.store.database));
  app.use('/api', apiRouter(deps.store));
  app.use(staticRouter());
  return app;
}
