/**
 * ClickHouse and transport errors, translated once into the catalogue: retryable
 * when waiting may help (the server is unreachable, overloaded or out of memory),
 * permanent otherwise (the rows or the statement are wrong).
 */
import { HindsightError } from '../errors';

export interface ClickHouseErrorInfo {
  code: string;
  type: string | undefined;
  message: string;
}

/**
 * ClickHouse's error, recognised by shape rather than by class. Two shapes reach us:
 * - the ClickHouseError of @clickhouse/client (a server, or chdb's connection, which
 *   raises the class of its own copy of client-common, so instanceof misses it):
 *   `code` is ClickHouse's number as a string, `type` its name;
 * - chdb's own ChdbError (its raw insert): `clickhouseCode` is the number, and the
 *   name ends the message as "(NAME)".
 */
export function clickhouseErrorOf(err: unknown): ClickHouseErrorInfo | undefined {
  if (!(err instanceof Error)) return undefined;
  const { code, type, clickhouseCode } = err as { code?: unknown; type?: unknown; clickhouseCode?: unknown };
  if (typeof code === 'string' && /^\d+$/.test(code)) {
    return { code, type: typeof type === 'string' ? type : undefined, message: err.message };
  }
  // chDB's streaming errors carry the code only in the engine's message text.
  const numbered = typeof clickhouseCode === 'number' ? String(clickhouseCode) : /^Code: (\d+)\. DB::Exception: /.exec(err.message)?.[1];
  if (numbered !== undefined) {
    const name = /\(([A-Z_]+)\)\s*$/.exec(err.message)?.[1];
    const message = err.message.replace(/^Code: \d+\. DB::Exception: /, '').replace(/\s*\([A-Z_]+\)\s*$/, '');
    return { code: numbered, type: name, message };
  }
  return undefined;
}

/**
 * ClickHouse error codes that blame the rows themselves: retrying the same rows
 * cannot help. Every other failure of an insert (the server is down, read-only,
 * overloaded, out of memory or disk, misconfigured) is the store's condition, not
 * the data's, so the exporter is told to retry later and nothing is lost meanwhile.
 */
const DATA_ERROR_CODES = new Set([
  '6', // CANNOT_PARSE_TEXT
  '26', // CANNOT_PARSE_QUOTED_STRING
  '27', // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  '38', // CANNOT_PARSE_DATE
  '41', // CANNOT_PARSE_DATETIME
  '53', // TYPE_MISMATCH
  '69', // ARGUMENT_OUT_OF_BOUND
  '70', // CANNOT_CONVERT_TYPE
  '72', // CANNOT_PARSE_NUMBER
  '117', // INCORRECT_DATA
  '131', // TOO_LARGE_STRING_SIZE
  '321', // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  '349', // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
]);

const RETRYABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

export function toStoreError(err: unknown): HindsightError {
  if (err instanceof HindsightError) return err;
  const clickhouse = clickhouseErrorOf(err);
  if (clickhouse) {
    const retryable = !DATA_ERROR_CODES.has(clickhouse.code);
    return new HindsightError(
      retryable ? 'HS_STORE_UNAVAILABLE' : 'HS_STORE_REJECTED',
      `ClickHouse error ${clickhouse.code} (${clickhouse.type ?? 'unknown'}): ${clickhouse.message}`,
      { cause: err },
    );
  }
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  const message = err instanceof Error ? err.message : String(err);
  if (RETRYABLE_NODE_CODES.has(code) || /timeout|socket hang up/i.test(message)) {
    return new HindsightError('HS_STORE_UNAVAILABLE', `ClickHouse is unreachable: ${message}`, { cause: err });
  }
  return new HindsightError('HS_STORE_REJECTED', `insert failed: ${message}`, { cause: err });
}
