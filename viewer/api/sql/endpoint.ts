/**
 * POST /api/v1/sql: analytics SQL over Hindsight's tables. Read-only in two layers
 * (the engine's readonly setting on connections used for nothing else, and the
 * statement check in guard.ts), bounded by the configured limits, and
 * streamed: the result goes to the client as ClickHouse produces it. A request's
 * whole work ends within the execution limit, and as soon as its client goes away.
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { pipeline, type Readable } from 'node:stream';
import { pipeline as pipelineDone } from 'node:stream/promises';
import type { SqlReaders } from './readers';
import { clickhouseErrorOf } from '../../../storage/store-errors';
import { asHindsightError, HindsightError } from '../../../common/errors';
import { clientErrorOf } from '../client-errors';
import { checkStatement, SqlRefused, type CheckedStatement } from './guard';
import { OUTPUT_FORMATS, type OutputFormat, type OutputFormatName, type SqlColumn } from './formats';

export type SqlClients = Pick<SqlReaders, 'checker' | 'sql' | 'stream' | 'query' | 'maxExecutionMs'>;

const MAX_QUERY_LENGTH = 100_000;
const STALLED_CLIENT_MS = 30_000;
/**
 * A SELECT whose DESCRIBE took longer is not streamed: chDB plans a stream on the
 * event loop, and planning folds constant expressions (measured: the event loop
 * stood still 1.8 s for arrayFold over range(150000)), stalling every request.
 */
const SLOW_PLANNING_SECONDS = 0.5;

export interface SqlErrorBody {
  error: { code: string; message: string; clickhouseCode?: string };
}

export function sqlRouter(clients: SqlClients): Router {
  const router = Router();
  router.post('/', express.json({ limit: '256kb' }), async (req, res) => {
    const { query, format } = requestBody(req.body);
    const statement = await checkStatement(clients.checker, clients.sql, query);
    const output = OUTPUT_FORMATS[format];
    // Abandoned requests cancel their query; a finished response must not.
    const abandoned = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abandoned.abort(new HindsightError('HS_SQL_FAILED', 'the client went away'));
    });
    const deadline = AbortSignal.timeout(clients.maxExecutionMs);
    const body = await engineErrors(() => run(clients, statement, output, AbortSignal.any([abandoned.signal, deadline])), deadline, clients.maxExecutionMs);
    // A client that stops reading would hold a reader for good: cut it after a while without
    // progress. Only once rows flow: before that the engine's own time limit applies.
    res.setTimeout(STALLED_CLIENT_MS, () => res.destroy());
    res.status(200).type(output.contentType);
    if (output.download) res.setHeader('Content-Disposition', `attachment; filename="hindsight-query.${format}"`);
    if (Buffer.isBuffer(body)) {
      res.end(body);
      return;
    }
    // A failure after the first chunk can only break the body off, as ClickHouse's own HTTP interface does.
    await pipelineDone(body, flushedEach(res), res).catch(() => res.destroy());
  });
  router.use(sqlErrors);
  return router;
}

/**
 * The chunks of a streamed result, each flushed through the response's compression once
 * written: zlib would otherwise hold a slow result's first rows (and the JSON's column
 * list) until it had 16 KB to send. The engine hands over whole blocks, so a flush each
 * costs little ratio. The generator resumes after the response took the chunk it yielded.
 */
function flushedEach(res: Response): (source: AsyncIterable<Buffer>) => AsyncGenerator<Buffer> {
  return async function* flushing(source) {
    for await (const chunk of source) {
      yield chunk;
      res.flush();
    }
  };
}

/**
 * A SELECT streams: its columns first (DESCRIBE, which also fails early on a bad
 * query), then its rows framed in the format. Other statements come whole, off
 * the event loop, and so does a SELECT whose planning does real work (it runs
 * subqueries, or its DESCRIBE was slow): chDB starts a stream on the event loop.
 */
async function run(clients: SqlClients, statement: CheckedStatement, output: OutputFormat, signal: AbortSignal): Promise<Readable | Buffer> {
  const started = process.hrtime.bigint();
  const whole = async (): Promise<Buffer> => (await clients.query(statement.sql, output.wholeFormat, signal)).body;
  if (!statement.selects || statement.plansWithQueries) return whole();
  const described = await clients.query(clients.sql.render('sql-endpoint/describe', { statement: statement.sql }).query, 'JSONEachRow', signal);
  if (described.seconds > SLOW_PLANNING_SECONDS) return whole();
  const columns = described.body
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const { name, type } = JSON.parse(line) as SqlColumn;
      return { name, type };
    });
  const rows = await clients.stream(statement.sql, output.rowFormat, signal);
  // pipeline destroys both ways: a client gone cancels the query, a failing query breaks off the body.
  return pipeline(rows, output.frame(columns, started), () => undefined);
}

async function engineErrors<T>(work: () => Promise<T>, deadline: AbortSignal, limitMs: number): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (deadline.aborted) throw new SqlFailed(`Timeout exceeded: the request ran longer than the execution limit of ${limitMs / 1000} s`, TIMEOUT_EXCEEDED);
    const clickhouse = clickhouseErrorOf(err);
    if (clickhouse) throw new SqlFailed(clickhouse.message, clickhouse.code);
    throw err;
  }
}

/** ClickHouse's own code for a query past max_execution_time, kept for a request past it. */
const TIMEOUT_EXCEEDED = '159';

class SqlFailed extends HindsightError {
  constructor(
    message: string,
    readonly clickhouseCode: string,
  ) {
    super('HS_SQL_FAILED', message);
  }
}

function requestBody(body: unknown): { query: string; format: OutputFormatName } {
  if (typeof body !== 'object' || body === null) throw new HindsightError('HS_BAD_PARAMETER', 'the body must be a JSON object {"query": "...", "format": "json"}');
  const { query, format = 'json' } = body as Record<string, unknown>;
  if (typeof query !== 'string' || query.trim() === '') throw new HindsightError('HS_BAD_PARAMETER', 'query: expected the SQL text');
  if (query.length > MAX_QUERY_LENGTH) throw new HindsightError('HS_BAD_PARAMETER', `query: longer than ${MAX_QUERY_LENGTH} characters`);
  if (typeof format !== 'string' || !(format in OUTPUT_FORMATS)) throw new HindsightError('HS_BAD_PARAMETER', `format: expected one of ${Object.keys(OUTPUT_FORMATS).join(', ')}`);
  return { query, format: format as OutputFormatName };
}

function sqlErrors(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) {
    next(err);
    return;
  }
  // body-parser's errors (malformed JSON, too large) carry their own status.
  const error = clientErrorOf(err) ?? asHindsightError(err);
  const clickhouseCode = err instanceof SqlRefused || err instanceof SqlFailed ? err.clickhouseCode : undefined;
  if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  const body: SqlErrorBody = { error: { code: error.code, message: error.message, ...(clickhouseCode ? { clickhouseCode } : {}) } };
  res.status(error.httpStatus).json(body);
}
