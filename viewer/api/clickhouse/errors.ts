/**
 * Failures on the ClickHouse HTTP port, told as ClickHouse tells them: the text
 * `Code: 60. DB::Exception: <message>. (UNKNOWN_TABLE) (version 26.7.2.1)`, the code in
 * X-ClickHouse-Exception-Code, and the HTTP status ClickHouse's server gives that code
 * (src/Server/HTTP/exceptionCodeToHTTPStatus.cpp). Clients branch on the code
 * (clickhouse-go reads the header, clickhouse-js the text), so Hindsight's own refusals
 * take the ClickHouse code that means the same.
 */
import { HindsightError, type ErrorCode } from '../../../common/errors';
import { clickhouseErrorOf } from '../../../storage/store-errors';

/** The codes this port raises itself, and those of the engine it names when the check kept only the code, with ClickHouse's names. */
export const CLICKHOUSE_CODES = {
  NO_SUCH_COLUMN_IN_TABLE: 16,
  BAD_ARGUMENTS: 36,
  UNKNOWN_FUNCTION: 46,
  UNKNOWN_IDENTIFIER: 47,
  UNKNOWN_TABLE: 60,
  SYNTAX_ERROR: 62,
  UNKNOWN_DATABASE: 81,
  UNKNOWN_FORMAT: 73,
  UNKNOWN_SETTING: 115,
  TIMEOUT_EXCEEDED: 159,
  READONLY: 164,
  REQUIRED_PASSWORD: 194,
  TOO_MANY_SIMULTANEOUS_QUERIES: 202,
  MEMORY_LIMIT_EXCEEDED: 241,
  QUERY_WAS_CANCELLED: 394,
  TOO_MANY_ROWS_OR_BYTES: 396,
  ACCESS_DENIED: 497,
  AUTHENTICATION_FAILED: 516,
  UNKNOWN_EXCEPTION: 1002,
} as const;

export type ClickHouseCodeName = keyof typeof CLICKHOUSE_CODES;

/** ClickHouse's statuses by code; every other code is 500. */
const STATUS_BY_CODE = new Map<number, number>([
  [194, 401],
  [516, 403],
  [497, 403],
  ...[6, 27, 36, 38, 41, 62, 69, 72, 130, 134].map((c): [number, number] => [c, 400]),
  ...[16, 46, 47, 50, 60, 73, 81, 115].map((c): [number, number] => [c, 404]),
  [48, 501],
  [159, 408],
]);

export class ClickHouseHttpError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  get httpStatus(): number {
    return STATUS_BY_CODE.get(this.code) ?? 500;
  }

  /** The body ClickHouse sends: one line, ending with the engine's version. */
  text(version: string): string {
    const message = this.message.replace(/\.$/, '');
    return `Code: ${this.code}. DB::Exception: ${message}. (${this.codeName}) (version ${version})\n`;
  }
}

export function clickhouseError(name: ClickHouseCodeName, message: string): ClickHouseHttpError {
  return new ClickHouseHttpError(CLICKHOUSE_CODES[name], name, message);
}

/** Hindsight's codes without an engine code of their own. */
const BY_HINDSIGHT_CODE: Partial<Record<ErrorCode, ClickHouseCodeName>> = {
  HS_SQL_REFUSED: 'ACCESS_DENIED',
  HS_BAD_PARAMETER: 'BAD_ARGUMENTS',
  HS_SQL_BUSY: 'TOO_MANY_SIMULTANEOUS_QUERIES',
  HS_SHUTTING_DOWN: 'QUERY_WAS_CANCELLED',
  HS_UNAUTHENTICATED: 'AUTHENTICATION_FAILED',
  HS_TOO_MANY_FAILURES: 'AUTHENTICATION_FAILED',
};

/** Anything a request failed with, as ClickHouse would report it. */
export function toClickHouseError(err: unknown): ClickHouseHttpError {
  if (err instanceof ClickHouseHttpError) return err;
  const ownCode = (err as { clickhouseCode?: unknown } | null)?.clickhouseCode;
  if (err instanceof HindsightError && typeof ownCode === 'string' && /^\d+$/.test(ownCode)) {
    return new ClickHouseHttpError(Number(ownCode), nameOf(Number(ownCode), err.message), engineMessage(err.message));
  }
  if (err instanceof HindsightError) {
    const name = BY_HINDSIGHT_CODE[err.code] ?? 'UNKNOWN_EXCEPTION';
    return clickhouseError(name, err.code === 'HS_INTERNAL' ? 'internal error' : err.message);
  }
  const engine = clickhouseErrorOf(err);
  if (engine) return new ClickHouseHttpError(Number(engine.code), engine.type ?? nameOf(Number(engine.code), engine.message), engineMessage(engine.message));
  return clickhouseError('UNKNOWN_EXCEPTION', 'internal error');
}

/** The code's name, from the engine's text when it gave one. */
function nameOf(code: number, message: string): string {
  const known = Object.entries(CLICKHOUSE_CODES).find(([, c]) => c === code)?.[0];
  return known ?? /\(([A-Z][A-Z0-9_]+)\)[.\s]*$/.exec(message)?.[1] ?? 'UNKNOWN_EXCEPTION';
}

/**
 * The engine's message without its own framing: chDB wraps an exception in a second
 * `Code: N. DB::Exception:` and ends it with `(NAME) (version …)`, which text() adds once.
 */
function engineMessage(message: string): string {
  let text = message.trim();
  for (;;) {
    const next = text
      .replace(/^Code: \d+\. DB::Exception: /, '')
      .replace(/\s*\(version [^)]*\)\.?$/, '')
      .replace(/\s*\([A-Z][A-Z0-9_]+\)\.?$/, '')
      .trim();
    if (next === text) return text;
    text = next;
  }
}
