/**
 * The two OTLP encodings decode to trees of the same shape (lowerCamelCase field
 * names, the same nesting); they differ only in how leaf values are represented.
 * A LeafCodec reads those leaves, so one normalizer serves both encodings and the
 * same spans give byte-identical rows whichever way they arrived.
 *
 * Every reader returns undefined for a value it cannot accept; the normalizer
 * decides whether that rejects one span or the whole request.
 */

export type AnyValueCase = 'stringValue' | 'boolValue' | 'intValue' | 'doubleValue' | 'arrayValue' | 'kvlistValue' | 'bytesValue';

const ANY_VALUE_CASES: readonly AnyValueCase[] = ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'];

export interface LeafCodec {
  readonly encoding: 'protobuf' | 'json';
  /** Lowercase hex of an id; '' for an absent or empty id. */
  id(v: unknown): string | undefined;
  /** A fixed64 nanosecond timestamp. Absent means 0. */
  time(v: unknown): bigint | undefined;
  /** An int64 as decimal text. */
  int(v: unknown): string | undefined;
  double(v: unknown): number | undefined;
  /** Bytes as standard base64. */
  bytes(v: unknown): string | undefined;
  /** A string field; absent means ''. */
  str(v: unknown): string | undefined;
  /** An enum as its number; absent means 0. */
  enumNumber(v: unknown, names: readonly string[]): number | undefined;
  /** Which member of an AnyValue's oneof is set, if any. */
  anyValueCase(v: Record<string, unknown>): AnyValueCase | undefined;
}

/**
 * Lone surrogates (from JSON escapes, or from protobufjs's own UTF-8 reader on
 * invalid bytes) cannot be stored faithfully in a String column; they become U+FFFD.
 */
function wellFormed(s: string): string {
  return s.isWellFormed() ? s : s.toWellFormed();
}

/** protobufjs's Long, as far as this module reads it. */
interface LongLike {
  low: number;
  high: number;
  unsigned: boolean;
}

function isLong(v: unknown): v is LongLike {
  return typeof v === 'object' && v !== null && 'low' in v && 'high' in v;
}

function longToBigInt(v: LongLike): bigint {
  const bits = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return v.unsigned ? bits : BigInt.asIntN(64, bits);
}

/** protobufjs reflection output: Buffers for bytes, Long for 64-bit integers, numbers for enums. */
export const protobufLeaves: LeafCodec = {
  encoding: 'protobuf',
  // An absent bytes field reads as protobufjs's shared empty-array default.
  id: (v) => (v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex') : v == null || (Array.isArray(v) && v.length === 0) ? '' : undefined),
  time: (v) => (isLong(v) ? longToBigInt(v) : typeof v === 'number' ? BigInt(v) : v == null ? 0n : undefined),
  int: (v) => (isLong(v) ? longToBigInt(v).toString() : typeof v === 'number' ? String(v) : undefined),
  double: (v) => (typeof v === 'number' ? v : undefined),
  bytes: (v) => (v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : Array.isArray(v) && v.length === 0 ? '' : undefined),
  str: (v) => (typeof v === 'string' ? wellFormed(v) : v == null ? '' : undefined),
  enumNumber: (v) => (typeof v === 'number' ? v : v == null ? 0 : undefined),
  // Only members present on the wire are own properties (see flattenAnyValueOneof);
  // should a sender set several, any one of them is taken.
  anyValueCase: (v) => {
    let found: AnyValueCase | undefined;
    for (const key of ANY_VALUE_CASES) if (Object.hasOwn(v, key)) found = key;
    return found;
  },
};

const HEX = /^[0-9a-fA-F]*$/;
const UNSIGNED = /^[0-9]+$/;
const SIGNED = /^-?[0-9]+$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

let rounded = 0;

/**
 * How many 64-bit integers jsonLeaves has read as JSON numbers beyond 2^53, which
 * JSON.parse may have rounded. Decoding is synchronous, so a caller that compares
 * the count before and after one decode knows whether that request had any, at
 * no cost to the requests that do not (see json-int64.ts).
 */
export function roundedJsonIntegers(): number {
  return rounded;
}

function jsonInteger(v: unknown, pattern: RegExp, min: bigint, max: bigint): bigint | undefined {
  let n: bigint;
  if (typeof v === 'string' && pattern.test(v)) n = BigInt(v);
  else if (typeof v === 'number' && Number.isInteger(v)) {
    if (!Number.isSafeInteger(v)) rounded++;
    n = BigInt(v);
  } else return undefined;
  return n >= min && n <= max ? n : undefined;
}

/**
 * The OTLP/JSON mapping: ids as hex (not base64), 64-bit integers as strings or
 * numbers, enums as integers (names accepted too, as the protobuf JSON mapping
 * allows), bytes values as base64.
 */
export const jsonLeaves: LeafCodec = {
  encoding: 'json',
  id: (v) => (typeof v === 'string' && HEX.test(v) && v.length % 2 === 0 ? v.toLowerCase() : v == null ? '' : undefined),
  time: (v) => (v == null ? 0n : jsonInteger(v, UNSIGNED, 0n, UINT64_MAX)),
  int: (v) => jsonInteger(v, SIGNED, INT64_MIN, INT64_MAX)?.toString(),
  double: (v) => {
    if (typeof v === 'number') return v;
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
    return undefined;
  },
  bytes: (v) => (typeof v === 'string' && BASE64.test(v) ? Buffer.from(v, 'base64').toString('base64') : undefined),
  str: (v) => (typeof v === 'string' ? wellFormed(v) : v == null ? '' : undefined),
  enumNumber: (v, names) => {
    if (v == null) return 0;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'string') {
      const i = names.indexOf(v);
      return i >= 0 ? i : undefined;
    }
    return undefined;
  },
  anyValueCase: (v) => ANY_VALUE_CASES.find((k) => v[k] !== undefined),
};
