/**
 * The ClickHouse HTTP port: the part of ClickHouse's HTTP interface that clients use to
 * read (Grafana's ClickHouse data source through clickhouse-go, clickhouse-js, curl),
 * over embedded storage, read-only. Each statement goes through the SQL endpoint's own
 * check (sql/guard.ts) and runs on its read-only readers under its limits
 * (sql/readers.ts): this module translates the protocol and nothing else.
 *
 * A result is produced whole by the engine, in the format asked for, off the event loop,
 * then sent: chDB's stream writes a format's header again in every chunk, and most of
 * these formats have one. The readers' row and memory limits bound it.
 */
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Authenticator } from '../../../common/auth';
import { HindsightError } from '../../../common/errors';
import { selectRows } from '../../../storage/sql/select';
import type { SqlClients } from '../sql/endpoint';
import { checkStatement, type StatementClauses } from '../sql/guard';
import { ClickHouseHttpError, clickhouseError, toClickHouseError } from './errors';
import { formatContentType } from './formats';
import { goHelloBlock, isGoHello, type EngineFacts } from './hello';
import { readRequest, type ClickHouseRequest, type RequestRules } from './request';

const gzipped = promisify(gzip);

/** What a statement may end with here: its format, and a lowered execution limit. */
const CLAUSES: StatementClauses = { format: true, settings: new Set(['max_execution_time']) };

export interface ClickHouseHttpDeps {
  sql: SqlClients;
  /** Checks the credential; undefined when none is configured. */
  auth?: Authenticator | undefined;
}

/** The port's app, once it has read the engine's version, time zone and output settings. */
export async function clickhouseHttpApp(deps: ClickHouseHttpDeps): Promise<Express> {
  const { checker, sql } = deps.sql;
  const [facts] = await selectRows<EngineFacts>(checker, sql.render('clickhouse-http/server-facts', {}));
  const settings = await selectRows<{ name: string; value: string }>(checker, sql.render('clickhouse-http/output-settings', {}));
  const rules: RequestRules = { outputSettings: new Map(settings.map((s) => [s.name, s.value])) };
  const engine: EngineFacts = facts ?? { version: 'unknown', timezone: 'UTC' };

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  const ok = (_req: Request, res: Response): void => void res.type('text/plain; charset=UTF-8').send('Ok.\n');
  app.get('/ping', ok);
  app.head('/ping', ok);
  app.use(express.raw({ type: () => true, limit: '256kb' }));
  app.all('/', async (req, res) => {
    const url = new URL(req.originalUrl, 'http://clickhouse');
    const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    if ((req.method === 'GET' || req.method === 'HEAD') && !url.searchParams.has('query')) {
      ok(req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'POST' && req.method !== 'HEAD') throw clickhouseError('BAD_ARGUMENTS', `The HTTP method ${req.method} is not served: use GET or POST`);
    const request = readRequest(url, req.headers, body, rules);
    await authenticate(deps.auth, request, req.socket.remoteAddress ?? '');
    if (request.database !== undefined && request.database !== sql.database) {
      throw clickhouseError('UNKNOWN_DATABASE', `Database ${request.database} is not served here: Hindsight's tables are in ${sql.database}`);
    }
    res.setHeader('X-ClickHouse-Query-Id', request.queryId ?? randomUUID());
    res.setHeader('X-ClickHouse-Timezone', engine.timezone);
    res.setHeader('X-ClickHouse-Server-Display-Name', 'hindsight');
    if (isGoHello(request.query) && request.defaultFormat === 'Native') {
      send(res, 'Native', goHelloBlock(engine, request.clientProtocolVersion), summary(0, 0, 1, 0));
      return;
    }
    const statement = await checkStatement(checker, sql, request.query, CLAUSES);
    const format = statement.format ?? request.defaultFormat;
    if (formatContentType(format) === undefined) throw clickhouseError('UNKNOWN_FORMAT', `Unknown or unsupported format ${format}`);
    const limits = [deps.sql.maxExecutionMs, request.maxExecutionSeconds * 1000, (statement.maxExecutionSeconds ?? 0) * 1000].filter((ms) => ms > 0);
    const limitMs = Math.min(...limits);
    const abandoned = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abandoned.abort(new HindsightError('HS_SQL_FAILED', 'the client went away'));
    });
    const deadline = AbortSignal.timeout(limitMs);
    let result;
    try {
      result = await deps.sql.query(statement.sql, format, AbortSignal.any([abandoned.signal, deadline]));
    } catch (err) {
      if (deadline.aborted) throw clickhouseError('TIMEOUT_EXCEEDED', `Timeout exceeded: the query ran longer than its limit of ${limitMs / 1000} s`);
      throw err;
    }
    const compressed = request.httpCompression && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    const payload = compressed ? await gzipped(result.body) : result.body;
    if (compressed) res.setHeader('Content-Encoding', 'gzip');
    send(res, format, payload, summary(result.rowsRead ?? 0, result.bytesRead ?? 0, undefined, result.body.length, result.seconds));
  });
  app.use((req: Request, _res: Response, next: NextFunction) => next(clickhouseError('BAD_ARGUMENTS', `There is no handle ${req.path}: use / or /ping`)));
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const error = toClickHouseError(bodyError(err) ?? err);
    res.status(error.httpStatus).setHeader('X-ClickHouse-Exception-Code', String(error.code));
    res.type('text/plain; charset=UTF-8').send(error.text(engine.version));
  });
  return app;
}

function send(res: Response, format: string, body: Buffer, summaryHeader: string): void {
  res.status(200);
  res.setHeader('Content-Type', formatContentType(format)!);
  res.setHeader('X-ClickHouse-Format', format);
  res.setHeader('X-ClickHouse-Summary', summaryHeader);
  res.end(body);
}

/** ClickHouse's X-ClickHouse-Summary: its counters as strings. Hindsight knows what the engine read and what it sent. */
function summary(readRows: number, readBytes: number, resultRows: number | undefined, resultBytes: number, seconds = 0): string {
  return JSON.stringify({
    read_rows: String(readRows),
    read_bytes: String(readBytes),
    written_rows: '0',
    written_bytes: '0',
    total_rows_to_read: String(readRows),
    result_rows: String(resultRows ?? 0),
    result_bytes: String(resultBytes),
    elapsed_ns: String(Math.round(seconds * 1e9)),
  });
}

async function authenticate(auth: Authenticator | undefined, request: ClickHouseRequest, address: string): Promise<void> {
  if (!auth) return;
  const result = await auth.checkPassword(request.user, request.password, address);
  if (result === 'ok') return;
  if (result === 'blocked') throw clickhouseError('AUTHENTICATION_FAILED', `${request.user}: too many failed attempts from this address: only a valid password is checked for the next minute`);
  throw clickhouseError('AUTHENTICATION_FAILED', `${request.user}: Authentication failed: password is incorrect, or there is no user with such name`);
}

/** body-parser's refusals (a body over the limit, a bad encoding) carry a 4xx status. */
function bodyError(err: unknown): Error | undefined {
  if (err instanceof ClickHouseHttpError) return undefined;
  const status = Number((err as { status?: unknown } | null)?.status);
  if (!(status >= 400 && status < 500) || !(err instanceof Error)) return undefined;
  return clickhouseError('BAD_ARGUMENTS', status === 413 ? 'The request body is larger than 256 KB' : err.message);
}
