/**
 * ClickHouse and transport errors, translated once into the catalogue: retryable
 * when waiting may help (the server is unreachable, overloaded or out of memory),
 * permanent otherwise (the rows or the statement are wrong).
 */
import { ClickHouseError } from '@clickhouse/client';
import { HindsightError } from '../errors';

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
  if (err instanceof ClickHouseError) {
    const retryable = RETRYABLE_CLICKHOUSE_CODES.has(err.code);
    return new HindsightError(retryable ? 'HS_STORE_UNAVAILABLE' : 'HS_STORE_REJECTED', `ClickHouse error ${err.code} (${err.type ?? 'unknown'}): ${err.message}`, {
      cause: err,
    });
  }
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  const message = err instanceof Error ? err.message : String(err);
  if (RETRYABLE_NODE_CODES.has(code) || /timeout|socket hang up/i.test(message)) {
    return new HindsightError('HS_STORE_UNAVAILABLE', `ClickHouse is unreachable: ${message}`, { cause: err });
  }
  return new HindsightError('HS_STORE_REJECTED', `insert failed: ${message}`, { cause: err });
}
