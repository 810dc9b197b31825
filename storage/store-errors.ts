/**
 * ClickHouse and transport errors, translated once into the catalogue: retryable
 * when waiting may help (the server is unreachable, overloaded, out of memory or
 * disk), permanent otherwise (the rows or the statement are wrong); and whom they
 * blame, so that one request's bad rows never take the store down for the rest.
 */
import { HindsightError } from '../common/errors';

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
 * Whom a failed insert blames:
 * - `rows`: the rows themselves; retrying them cannot help, and other requests'
 *   rows in the same insert are innocent;
 * - `store`: the store's condition (unreachable, read-only, out of memory or disk,
 *   misconfigured): every write would fail alike, so the store is marked down;
 * - `unclear`: neither is certain, so a shared insert is retried request by request
 *   to find out, and the store is not marked down on its account.
 */
export type Blame = 'rows' | 'store' | 'unclear';

export interface StoreFailure {
  error: HindsightError;
  blame: Blame;
}

/** ClickHouse error codes that blame the rows: values that do not parse or fit their columns. */
const ROW_ERROR_CODES = new Set([
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

/**
 * TOO_MANY_PARTS (252) means two things: a partition with more parts than merges
 * keep up with (the store is overloaded), or one INSERT block spanning more
 * partitions than max_partitions_per_insert_block (the rows' dates are spread).
 * Only the message tells them apart.
 */
const SPREAD_ROWS = /too many partitions for single insert block/i;

/** ClickHouse error codes that every insert would meet alike: the store's condition, not the rows'. */
const STORE_ERROR_CODES = new Set([
  '16', // NO_SUCH_COLUMN_IN_TABLE: the schema is not the one Hindsight writes
  '60', // UNKNOWN_TABLE
  '81', // UNKNOWN_DATABASE
  '24', // CANNOT_WRITE_TO_OSTREAM
  '75', // CANNOT_WRITE_TO_FILE_DESCRIPTOR
  '76', // CANNOT_OPEN_FILE
  '88', // CANNOT_TRUNCATE_FILE
  '95', // CANNOT_READ_FROM_SOCKET
  '96', // CANNOT_WRITE_TO_SOCKET
  '159', // TIMEOUT_EXCEEDED
  '164', // READONLY
  '173', // CANNOT_ALLOCATE_MEMORY
  '201', // QUOTA_EXCEEDED
  '202', // TOO_MANY_SIMULTANEOUS_QUERIES
  '203', // NO_FREE_CONNECTION
  '204', // CANNOT_FSYNC
  '209', // SOCKET_TIMEOUT
  '210', // NETWORK_ERROR
  '225', // NO_ZOOKEEPER
  '236', // ABORTED
  '241', // MEMORY_LIMIT_EXCEEDED
  '242', // TABLE_IS_READ_ONLY
  '243', // NOT_ENOUGH_SPACE
  '244', // UNEXPECTED_ZOOKEEPER_ERROR
  '252', // TOO_MANY_PARTS, unless SPREAD_ROWS
  '275', // AIO_WRITE_ERROR
  '279', // ALL_CONNECTION_TRIES_FAILED
  '286', // UNSATISFIED_QUORUM_FOR_PREVIOUS_WRITE
  '294', // CANNOT_WRITE_TO_FILE
  '297', // SHARD_HAS_NO_CONNECTIONS
  '319', // UNKNOWN_STATUS_OF_INSERT
  '364', // RECEIVED_ERROR_TOO_MANY_REQUESTS
  '394', // QUERY_WAS_CANCELLED
  '425', // SYSTEM_ERROR
  '439', // CANNOT_SCHEDULE_TASK
  '497', // ACCESS_DENIED
  '516', // AUTHENTICATION_FAILED
  '574', // DISTRIBUTED_TOO_MANY_PENDING_BYTES
  '749', // TCP_CONNECTION_LIMIT_REACHED
  '762', // HTTP_CONNECTION_LIMIT_REACHED
  '774', // TABLE_IS_PERMANENTLY_READ_ONLY
  '777', // MEMORY_RESERVATION_KILLED
  '778', // MEMORY_RESERVATION_FAILED
  '904', // TOO_MANY_UNAVAILABLE_SHARDS
  '999', // KEEPER_EXCEPTION
]);

const NOT_ENOUGH_SPACE = '243';
/** A full disk, whichever layer noticed it: the journal's write (ENOSPC) or the engine's, through any error code. */
const DISK_FULL = /\bENOSPC\b|\bEDQUOT\b|no space left on device|disk quota exceeded|not enough space/i;

const UNREACHABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const DISK_FULL_NODE_CODES = new Set(['ENOSPC', 'EDQUOT']);

export function toStoreError(err: unknown): HindsightError {
  return classifyStoreError(err).error;
}

/**
 * The store's error, translated once: its catalogue code (retryable or not) and
 * whom it blames. A full disk is HS_STORE_FULL (503 with Retry-After): the data is
 * fine and the store takes it again once space returns, so exporters must keep it.
 */
export function classifyStoreError(err: unknown): StoreFailure {
  if (err instanceof HindsightError) {
    const blame = err.code === 'HS_STORE_FULL' || err.code === 'HS_STORE_UNAVAILABLE' ? 'store' : 'unclear';
    return { error: err, blame };
  }
  const clickhouse = clickhouseErrorOf(err);
  if (clickhouse) return classifyClickHouse(clickhouse, err);
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  const message = err instanceof Error ? err.message : String(err);
  if (DISK_FULL_NODE_CODES.has(code) || DISK_FULL.test(message)) {
    return { error: new HindsightError('HS_STORE_FULL', `the disk is full: ${message}`, { cause: err }), blame: 'store' };
  }
  if (UNREACHABLE_NODE_CODES.has(code) || /timeout|socket hang up/i.test(message)) {
    return { error: new HindsightError('HS_STORE_UNAVAILABLE', `ClickHouse is unreachable: ${message}`, { cause: err }), blame: 'store' };
  }
  return { error: new HindsightError('HS_STORE_REJECTED', `insert failed: ${message}`, { cause: err }), blame: 'unclear' };
}

function classifyClickHouse(clickhouse: ClickHouseErrorInfo, err: unknown): StoreFailure {
  const text = `ClickHouse error ${clickhouse.code} (${clickhouse.type ?? 'unknown'}): ${clickhouse.message}`;
  if (ROW_ERROR_CODES.has(clickhouse.code) || (clickhouse.code === '252' && SPREAD_ROWS.test(clickhouse.message))) {
    return { error: new HindsightError('HS_STORE_REJECTED', text, { cause: err }), blame: 'rows' };
  }
  if (clickhouse.code === NOT_ENOUGH_SPACE || DISK_FULL.test(clickhouse.message)) {
    return { error: new HindsightError('HS_STORE_FULL', text, { cause: err }), blame: 'store' };
  }
  // An error not known to be the store's may still be: it stays retryable, as it
  // always was, but only a store-wide error takes the store down for everyone.
  return { error: new HindsightError('HS_STORE_UNAVAILABLE', text, { cause: err }), blame: STORE_ERROR_CODES.has(clickhouse.code) ? 'store' : 'unclear' };
}
