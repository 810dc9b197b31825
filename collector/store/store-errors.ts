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
 * ClickHouse's error, recognised by shape rather than by class: chdb raises the
 * ClickHouseError of its own copy of @clickhouse/client-common, which is not the
 * class @clickhouse/client exports, so instanceof misses every embedded error.
 */
export function clickhouseErrorOf(err: unknown): ClickHouseErrorInfo | undefined {
  if (!(err instanceof Error) || !('code' in err)) return undefined;
  const code = (err as { code: unknown }).code;
  if (typeof code !== 'string' || !/^\d+$/.test(code)) return undefined;
  const type = (err as { type?: unknown }).type;
  return { code, type: typeof type === 'string' ? type : undefined, message: err.message };
}

/** ClickHouse error codes that describe a passing condition, not bad data. */
const RETRYABLE_CLICKHOUSE_CODES = new Set([
  '159', // TIMEOUT_EXCEEDED
  '202', // TOO_MANY_SIMULTANEOUS_QUERIES
  '209', // SOCKET_TIMEOUT
  '210', // NETWORK_ERROR
  '241', // MEMORY_LIMIT_EXCEEDED
  '242', // TABLE_IS_READ_ONLY
  '252', // TOO_MANY_PARTS
  '319', // UNKNOWN_STATUS_OF_INSERT
  '425', // SYSTEM_ERROR
]);

const RETRYABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

export function toStoreError(err: unknown): HindsightError {
  if (err instanceof HindsightError) return err;
  const clickhouse = clickhouseErrorOf(err);
  if (clickhouse) {
    const retryable = RETRYABLE_CLICKHOUSE_CODES.has(clickhouse.code);
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
