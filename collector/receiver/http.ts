/**
 * OTLP/HTTP: POST /v1/traces. Transport only: content types, encodings, the body
 * limit, CORS and status codes. Decoding and storing belong to TraceIngest.
 */
import express, { type Express, type Request, type Response } from 'express';
import cors from 'cors';
import type { Config } from '../../common/config';
import { HindsightError, asHindsightError } from '../../common/errors';
import type { Metrics } from '../../common/metrics';
import type { TraceIngest } from '../ingest/pipeline';
import type { Encoding } from '../otlp/decode';
import { encodeResponse, encodeStatus } from '../otlp/responses';
import { opsRouter, type Readiness } from '../../common/ops';
import { authError } from '../../common/auth-errors';
import type { Authenticator } from '../../common/auth';
import { readBody, type ContentEncoding } from './body';
import { evictedForRoom, type InflightBudget } from './inflight';

export const TRACES_PATH = '/v1/traces';

// Maps, not object literals: a header value such as "constructor" must not find Object.prototype's.
const CONTENT_TYPES = new Map<string, Encoding>([
  ['application/x-protobuf', 'protobuf'],
  ['application/protobuf', 'protobuf'],
  ['application/json', 'json'],
]);
const RESPONSE_TYPES: Record<Encoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };
/** Content-Encoding values OTLP exporters send; others are refused before the body is read. */
const ENCODINGS = new Map<string, ContentEncoding>([
  ['identity', 'identity'],
  ['gzip', 'gzip'],
  ['x-gzip', 'gzip'],
  ['deflate', 'deflate'],
]);

export interface HttpReceiverDeps {
  config: Pick<Config, 'maxBodyBytes' | 'corsOrigins'>;
  /** Checks OTLP clients' ingest tokens; undefined when none are configured. */
  auth?: Authenticator | undefined;
  ingest: TraceIngest;
  metrics: Metrics;
  readiness: Readiness;
  /** Request-body bytes being received, shared with OTLP/gRPC. */
  inflight: InflightBudget;
}

export function otlpHttpApp(deps: HttpReceiverDeps): Express {
  const { config, ingest, metrics } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.use(opsRouter(metrics, deps.readiness));

  // CORS only for the origins configured; with none, browsers are refused as before.
  const allowed = new Set(config.corsOrigins);
  const corsMiddleware = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && (allowed.has('*') || allowed.has(origin))),
    methods: ['POST'],
    allowedHeaders: ['Content-Type', 'Content-Encoding', 'Authorization'],
    maxAge: 600,
  });
  app.options(TRACES_PATH, corsMiddleware);

  // Credentials and headers are checked before a byte of the body is read.
  app.post(TRACES_PATH, corsMiddleware, async (req: Request, res: Response) => {
    const encoding = requestEncoding(req);
    if (deps.auth) {
      const result = await deps.auth.check(req.headers.authorization, req.socket.remoteAddress ?? '');
      if (result !== 'ok') {
        res.setHeader('Connection', 'close');
        if (result !== 'blocked') res.setHeader('WWW-Authenticate', deps.auth.challenge);
        sendError(res, authError(result), encoding ?? 'json', metrics);
        return;
      }
    }
    const contentEncoding = requestContentEncoding(req);
    if (encoding === undefined || contentEncoding === undefined) {
      // Refuse before reading the body; close the connection rather than drain an unwanted upload.
      res.setHeader('Connection', 'close');
      sendError(res, encoding === undefined ? unsupportedContentType(req) : unsupportedContentEncoding(req), encoding ?? 'json', metrics);
      return;
    }
    const evicted = new AbortController();
    const reservation = deps.inflight.open(() => evicted.abort(evictedForRoom()));
    res.once('close', () => reservation.release());
    let body: Buffer;
    try {
      body = await readBody(req, { encoding: contentEncoding, maxBytes: config.maxBodyBytes, reservation, signal: evicted.signal });
    } catch (err) {
      res.setHeader('Connection', 'close');
      sendError(res, err, encoding, metrics);
      return;
    }
    reservation.received();
    const result = await ingest.export(body, encoding, 'http');
    if (!result.ok) {
      sendError(res, result.error, encoding, metrics);
      return;
    }
    metrics.requests.inc({ transport: 'http', status: '200' });
    res.status(200).type(RESPONSE_TYPES[encoding]).send(encodeResponse(result.partial, encoding));
  });
  app.all(TRACES_PATH, (req, res) => {
    res.setHeader('Allow', 'POST, OPTIONS');
    sendError(res, new HindsightError('HS_METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${TRACES_PATH}; use POST`), requestEncoding(req) ?? 'json', metrics);
  });
  app.use((req, res) => {
    sendError(res, new HindsightError('HS_NOT_FOUND', `no route for ${req.method} ${req.path}; OTLP traces go to POST ${TRACES_PATH}`), 'json', metrics);
  });
  return app;
}

function mediaType(req: Request): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

function requestEncoding(req: Request): Encoding | undefined {
  return CONTENT_TYPES.get(mediaType(req));
}

function unsupportedContentType(req: Request): HindsightError {
  const got = mediaType(req) || 'none';
  return new HindsightError('HS_UNSUPPORTED_CONTENT_TYPE', `unsupported Content-Type ${JSON.stringify(got)}: use application/x-protobuf or application/json`);
}

function requestContentEncoding(req: Request): ContentEncoding | undefined {
  return ENCODINGS.get((req.headers['content-encoding'] ?? 'identity').trim().toLowerCase());
}

function unsupportedContentEncoding(req: Request): HindsightError {
  const value = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  return new HindsightError('HS_UNSUPPORTED_ENCODING', `unsupported Content-Encoding ${JSON.stringify(value)}: use gzip or identity`);
}

/** A failure as OTLP/HTTP returns it: status, Retry-After when retryable, a google.rpc.Status body. */
export function sendError(res: Response, err: unknown, encoding: Encoding, metrics: Metrics): void {
  const error = asHindsightError(err);
  metrics.requests.inc({ transport: 'http', status: String(error.httpStatus) });
  if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  res
    .status(error.httpStatus)
    .type(RESPONSE_TYPES[encoding])
    .send(encodeStatus(error.grpcStatus, error.message, encoding));
}
