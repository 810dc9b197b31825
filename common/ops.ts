/**
 * /healthz, /readyz and /metrics, mounted on every HTTP port of the process so
 * that any one of them can be probed.
 */
import { Router } from 'express';
import type { Metrics } from './metrics';

export interface Readiness {
  /** Why the process is not ready, or undefined once it is. */
  notReadyReason(): string | undefined;
}

export function opsRouter(metrics: Metrics, readiness: Readiness): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    const reason = readiness.notReadyReason();
    if (reason === undefined) res.json({ status: 'ready' });
    else res.status(503).json({ status: 'not ready', reason });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
