/**
 * The viewer's port: the query API (native under /api/v1, Jaeger-compatible under
 * /api), the built Svelte app, and the operational routes.
 */
import compression from 'compression';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Config } from '../../common/config';
import type { Metrics } from '../../common/metrics';
import { opsRouter, type Readiness } from '../../common/ops';
import type { Store } from '../../storage/store';
import { MAX_RANGE_DAYS } from './params';
import { apiRouter } from './router';
import { sqlRouter, type SqlClients } from './sql/endpoint';
import { staticRouter } from './static';
import type { ServerInfoResponse } from './types';
import type { TailHub } from '../tail/hub';
import { apiErrorOf } from './client-errors';
import type { Authenticator } from '../../common/auth';
import { authError } from '../../common/auth-errors';
import { HindsightError } from '../../common/errors';

/** The usual headers: no framing, no sniffing, no referrer, and scripts only from the app itself. */
function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  next();
}

function requireCredential(auth: Authenticator) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    let result;
    try {
      result = await auth.check(req.headers.authorization, req.socket.remoteAddress ?? '');
    } catch (err) {
      // The password check runs on a worker thread; if it died, refuse with 500, never let the request through.
      next(err);
      return;
    }
    if (result === 'ok') {
      next();
      return;
    }
    // The viewer asks for its sign-in page to handle the challenge, not the browser's own dialog.
    if (result !== 'blocked') res.setHeader('WWW-Authenticate', req.headers['x-hindsight-client'] === 'viewer' ? 'Bearer realm="hindsight"' : auth.challenge);
    const error = authError(result);
    if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    res.status(error.httpStatus).json({ error: { code: error.code, message: error.message } });
  };
}

export interface ViewerDeps {
  store: Store;
  config: Config;
  metrics: Metrics;
  readiness: Readiness;
  sql: SqlClients;
  /** Checks the viewer's credential on every API route; undefined when none is configured. */
  auth?: Authenticator | undefined;
  /** What GET /api/v1/server answers: the process's OTLP receivers, known once they listen. */
  server?: () => ServerInfoResponse;
  /** GET /api/v1/tail's subscribers; without it the route is a 404. */
  tail?: TailHub;
}

export function viewerApp(deps: ViewerDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders);
  // gzip or brotli, as the client's Accept-Encoding asks, for everything this port sends over
  // 1 KB: a 5,000-span trace is 4 MB of JSON and the map's code 440 KB before it. Streamed
  // SQL results are flushed block by block (sql/endpoint.ts), so they still stream.
  app.use(compression());
  app.use(opsRouter(deps.metrics, deps.readiness));
  // The app's files carry no data and are public; every API route (native, Jaeger, SQL) needs the credential.
  if (deps.auth) app.use('/api', requireCredential(deps.auth));
  app.use('/api/v1/sql', sqlRouter(deps.sql));
  // Jaeger's clients may ask for any range: a search reads no further back than the retention (or 31 days, if that is longer).
  app.use(
    '/api',
    apiRouter(
      deps.store,
      deps.server ?? (() => ({ otlp: null })),
      Math.max(MAX_RANGE_DAYS, deps.config.retentionDays),
      deps.config.anomalyMinBaselineSeconds,
      deps.tail && { hub: deps.tail, metrics: deps.metrics },
    ),
  );
  app.use(staticRouter());
  app.use(notFound);
  app.use(lastResort);
  return app;
}

/** What nothing answered and no browser page stands for (a missing asset, a non-HTML client): a JSON 404, not Express's "Cannot GET". */
function notFound(req: Request, _res: Response, next: NextFunction): void {
  next(new HindsightError('HS_NOT_FOUND', `nothing at ${req.method} ${req.path}`));
}

/**
 * Whatever no router answered: a request Express could not even route (a path that is
 * not valid percent-encoding) gets a 400, anything else a 500 that names no file or
 * line: Express's own fallback would print the stack trace with absolute paths.
 */
function lastResort(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) {
    next(err);
    return;
  }
  const error = apiErrorOf(err);
  const message = error.code === 'HS_INTERNAL' ? 'internal error' : error.message;
  res.status(error.httpStatus).json({ error: { code: error.code, message } });
}
