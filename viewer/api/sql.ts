/**
 * POST /api/v1/sql: analytics SQL over Hindsight's tables. Read-only in two layers
 * (the engine's readonly setting on connections used for nothing else, and the
 * statement check in sql-guard.ts), bounded by the configured limits, and
 * streamed: the result goes to the client as ClickHouse produces it.
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { ClickHouseClient } from '@clickhouse/client';
import { clickhouseErrorOf } from '../../collector/store/store-errors';
import { asHindsightError, HindsightError } from '../../collector/errors';
import { checkStatement, SqlRefused } from './sql-guard';

export interface SqlClients {
  checker: ClickHouseClient;
  reader: ClickHouseClient;
}

const FORMATS = {
  json: { clickhouse: 'JSON', contentType: 'application/json; charset=utf-8' },
  csv: { clickhouse: 'CSVWithNames', contentType: 'text/csv; charset=utf-8' },
  tsv: { clickhouse: 'TSVWithNames', contentType: 'text/tab-separated-values; charset=utf-8' },
} as const;
type Format = keyof typeof FORMATS;

const MAX_QUERY_LENGTH = 100_000;

export interface SqlErrorBody {
  error: { code: string; message: string; clickhouseCode?: string };
}

export function sqlRouter(clients: SqlClients, database: string): Router {
  const router = Router();
  router.post('/', express.json({ limit: '256kb' }), async (req, res) => {
    const { query, format } = requestBody(req.body);
    const { sql } = await checkStatement(clients.checker, query, database);
    let result;
    try {
      result = await clients.reader.exec({ query: `${sql}\nFORMAT ${FORMATS[format].clickhouse}` });
    } catch (err) {
      const clickhouse = clickhouseErrorOf(err);
      if (clickhouse) throw new SqlFailed(clickhouse.message, clickhouse.code);
      throw err;
    }
    res.status(200).type(FORMATS[format].contentType);
    if (format !== 'json') res.setHeader('Content-Disposition', `attachment; filename="hindsight-query.${format}"`);
    result.stream.pipe(res);
  });
  router.use(sqlErrors);
  return router;
}

class SqlFailed extends HindsightError {
  constructor(
    message: string,
    readonly clickhouseCode: string,
  ) {
    super('HS_SQL_FAILED', message);
  }
}

function requestBody(body: unknown): { query: string; format: Format } {
  if (typeof body !== 'object' || body === null) throw new HindsightError('HS_BAD_PARAMETER', 'the body must be a JSON object {"query": "...", "format": "json"}');
  const { query, format = 'json' } = body as Record<string, unknown>;
  if (typeof query !== 'string' || query.trim() === '') throw new HindsightError('HS_BAD_PARAMETER', 'query: expected the SQL text');
  if (query.length > MAX_QUERY_LENGTH) throw new HindsightError('HS_BAD_PARAMETER', `query: longer than ${MAX_QUERY_LENGTH} characters`);
  if (typeof format !== 'string' || !(format in FORMATS)) throw new HindsightError('HS_BAD_PARAMETER', `format: expected one of ${Object.keys(FORMATS).join(', ')}`);
  return { query, format: format as Format };
}

function sqlErrors(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) {
    next(err);
    return;
  }
  // body-parser's errors (malformed JSON, too large) carry their own status.
  const status = typeof err === 'object' && err !== null && 'status' in err ? Number((err as { status: unknown }).status) : undefined;
  const error = status && status < 500 && !(err instanceof HindsightError) ? new HindsightError(status === 413 ? 'HS_BODY_TOO_LARGE' : 'HS_BAD_PARAMETER', String((err as Error).message)) : asHindsightError(err);
  const clickhouseCode = err instanceof SqlRefused || err instanceof SqlFailed ? err.clickhouseCode : undefined;
  const body: SqlErrorBody = { error: { code: error.code, message: error.message, ...(clickhouseCode ? { clickhouseCode } : {}) } };
  res.status(error.httpStatus).json(body);
}
