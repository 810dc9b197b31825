/**
 * Attribute lists and AnyValues from protobuf bytes to the text of a Map column,
 * byte for byte what values.ts writes for the same attributes from a decoded tree.
 *
 * Work is linear in the list: it is cut to the attribute cap before its entries
 * are read, and duplicate keys are found with a set, not by comparing every pair
 * (that took 72 s on one 800 KB request of 80,000 keys). Arrays and maps are
 * decoded by protobufjs and stringified by values.ts, so that logic exists once;
 * their depth is checked here first, because protobufjs decodes them recursively.
 */
import type { Type } from 'protobufjs';
import { AnyValue, ArrayValue, KeyValue, KeyValueList } from './fields';
import { protobufLeaves } from './leaves';
import { MAX_ANY_VALUE_DEPTH } from './limits';
import { otlpTypes } from './proto';
import { anyValueText, doubleText, nestedTooDeep, type AttributeCap } from './values';
import { writeJsonString } from './wire/json-string';
import { ABSENT, delimited, fixed64, LEN, repeated, varint64, type FieldMap, type FieldReader, type Range, type Reader } from './wire/reader';
import { CLOSE_BRACE, COLON, COMMA, OPEN_BRACE, RowBuffer } from './wire/row-buffer';

interface KeyValueFields {
  key: Range;
  value: Range;
}
/** Which member of an AnyValue's oneof was read last (0 for none), and its payload or scalar. */
interface AnyValueFields {
  member: number;
  payload: Range;
  scalar: [number, number];
}

const KEY_VALUE: FieldMap<KeyValueFields> = {
  [KeyValue.KEY]: delimited((m, range) => (m.key = range)),
  [KeyValue.VALUE]: delimited((m, range) => (m.value = range)),
};

/** A oneof member held in a length-delimited payload (string, bytes, array, map). */
function payloadMember(member: number): FieldReader<AnyValueFields> {
  return delimited((m, range) => {
    m.member = member;
    m.payload = range;
  });
}

/** A oneof member held as 64 bits (bool, int, double), read by `read` (varint64 or fixed64). */
function scalarMember(member: number, read: typeof varint64): FieldReader<AnyValueFields> {
  return read((m, halves) => {
    m.member = member;
    m.scalar = halves;
  });
}

const ANY_VALUE: FieldMap<AnyValueFields> = {
  [AnyValue.STRING_VALUE]: payloadMember(AnyValue.STRING_VALUE),
  [AnyValue.BOOL_VALUE]: scalarMember(AnyValue.BOOL_VALUE, varint64),
  [AnyValue.INT_VALUE]: scalarMember(AnyValue.INT_VALUE, varint64),
  [AnyValue.DOUBLE_VALUE]: scalarMember(AnyValue.DOUBLE_VALUE, fixed64),
  [AnyValue.ARRAY_VALUE]: payloadMember(AnyValue.ARRAY_VALUE),
  [AnyValue.KVLIST_VALUE]: payloadMember(AnyValue.KVLIST_VALUE),
  [AnyValue.BYTES_VALUE]: payloadMember(AnyValue.BYTES_VALUE),
};

/** The values of an ArrayValue, or the entries of a KeyValueList: the list read into. */
const ARRAY_VALUES: FieldMap<Range[]> = { [ArrayValue.VALUES]: repeated((list) => list) };
const KVLIST_VALUES: FieldMap<Range[]> = { [KeyValueList.VALUES]: repeated((list) => list) };

function int64Text(lo: number, hi: number): string {
  if (hi === 0) return String(lo);
  if (hi < 0x200000) return String(hi * 2 ** 32 + lo);
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** One AnyValue (the bytes in `value`) as a JSON string literal of its storage text. */
function writeAnyValue(out: RowBuffer, r: Reader, value: Range, where: string): void {
  const { member, payload, scalar } = r.message<AnyValueFields>(value, ANY_VALUE, { member: 0, payload: ABSENT, scalar: [0, 0] });
  switch (member) {
    case 0:
      out.ascii('""');
      return;
    case AnyValue.STRING_VALUE:
      writeJsonString(out, r, payload);
      return;
    case AnyValue.BOOL_VALUE:
      out.ascii(scalar[0] !== 0 || scalar[1] !== 0 ? '"true"' : '"false"');
      return;
    case AnyValue.INT_VALUE:
      out.ascii(`"${int64Text(scalar[0], scalar[1])}"`);
      return;
    case AnyValue.DOUBLE_VALUE: {
      const bytes = Buffer.allocUnsafe(8);
      bytes.writeUInt32LE(scalar[0], 0);
      bytes.writeUInt32LE(scalar[1], 4);
      out.ascii(`"${doubleText(bytes.readDoubleLE(0))}"`);
      return;
    }
    case AnyValue.BYTES_VALUE:
      out.ascii(`"${r.buf.toString('base64', payload.start, payload.end)}"`);
      return;
    default:
      refuseDeepNesting(r, value, 1, where);
      out.utf8(JSON.stringify(anyValueText(decodeSlowly(r, value), protobufLeaves, where)));
  }
}

/**
 * Throws when an AnyValue (at `depth`) holds members deeper than values.ts accepts
 * from OTLP/JSON. Recursion here stops at MAX_ANY_VALUE_DEPTH, so a 100,000-deep
 * value costs that many levels of stack, not 100,000.
 */
function refuseDeepNesting(r: Reader, value: Range, depth: number, where: string): void {
  r.pos = value.start;
  while (r.pos < value.end) {
    const tag = r.uint32(value.end);
    if ((tag >>> 3 !== AnyValue.ARRAY_VALUE && tag >>> 3 !== AnyValue.KVLIST_VALUE) || (tag & 7) !== LEN) {
      r.skip(tag & 7, value.end);
      continue;
    }
    const container = r.delimited(value.end);
    for (const member of containerMembers(r, container, tag >>> 3)) {
      if (depth + 1 > MAX_ANY_VALUE_DEPTH) throw nestedTooDeep(where);
      if (member.start >= 0) refuseDeepNesting(r, member, depth + 1, where);
    }
    r.pos = container.end;
  }
}

/** The member values of an ArrayValue, or of a KeyValueList's entries (ABSENT for an entry without one). */
function containerMembers(r: Reader, container: Range, kind: number): Range[] {
  if (kind === AnyValue.ARRAY_VALUE) return r.message(container, ARRAY_VALUES, []);
  return r.message(container, KVLIST_VALUES, []).map((entry) => keyValue(r, entry).value);
}

let anyValueType: Type | undefined;

/** protobufjs for arrays and maps; its errors become this request's error. */
function decodeSlowly(r: Reader, range: Range): unknown {
  // Looked up once: a lookup per value cost 6% of decoding SDK-made requests.
  anyValueType ??= otlpTypes().root.lookupType('opentelemetry.proto.common.v1.AnyValue');
  try {
    return anyValueType.decode(r.buf.subarray(range.start, range.end));
  } catch (err) {
    r.fail(`an AnyValue cannot be decoded (${err instanceof Error ? err.message : String(err)})`);
  }
}

function sameBytes(buf: Buffer, a: Range, b: Range): boolean {
  const n = a.end - a.start;
  if (n !== b.end - b.start) return false;
  for (let i = 0; i < n; i++) if (buf[a.start + i] !== buf[b.start + i]) return false;
  return true;
}

/** Lists up to this long are checked for duplicate keys pair by pair: cheaper than building strings. */
const SHORT_LIST = 16;

/** The keys of one attribute list seen so far, by their bytes. */
class SeenKeys {
  private readonly ranges: Range[] = [];
  private set: Set<string> | undefined;

  constructor(private readonly buf: Buffer) {}

  /** Adds the key; false when the list already had it. */
  add(key: Range): boolean {
    if (this.set === undefined && this.ranges.length < SHORT_LIST) {
      if (this.ranges.some((k) => sameBytes(this.buf, k, key))) return false;
      this.ranges.push(key);
      return true;
    }
    this.set ??= new Set(this.ranges.map((k) => keyBytes(this.buf, k)));
    const size = this.set.size;
    return this.set.add(keyBytes(this.buf, key)).size > size;
  }
}

/** A key's bytes one char each: distinct bytes stay distinct, with no UTF-8 decoding. */
function keyBytes(buf: Buffer, key: Range): string {
  return key.start < 0 ? '' : buf.toString('latin1', key.start, key.end);
}

/** The key and value ranges of one KeyValue. */
function keyValue(r: Reader, entry: Range): KeyValueFields {
  return r.message<KeyValueFields>(entry, KEY_VALUE, { key: ABSENT, value: ABSENT });
}

/** A repeated KeyValue field (the ranges of its entries) as a JSON object for a Map column. */
export function writeAttributes(out: RowBuffer, r: Reader, entries: Range[], where: string, cap: AttributeCap): void {
  const count = cap.keep(entries.length, where);
  if (count === 0) {
    out.ascii('{}');
    return;
  }
  const start = out.pos;
  const keys = new SeenKeys(r.buf);
  // One KeyValue read into, reset per entry: this loop runs once per attribute, and an object each cost measurably.
  const kv: KeyValueFields = { key: ABSENT, value: ABSENT };
  out.byte(OPEN_BRACE);
  for (let i = 0; i < count; i++) {
    kv.key = ABSENT;
    kv.value = ABSENT;
    const { key, value } = r.message(entries[i]!, KEY_VALUE, kv);
    if (!keys.add(key)) {
      out.pos = start;
      writeDeduplicated(out, r, entries, count, where);
      return;
    }
    if (i > 0) out.byte(COMMA);
    writeJsonString(out, r, key);
    out.byte(COLON);
    writeValue(out, r, value, `${where}[${i}].value`);
  }
  out.byte(CLOSE_BRACE);
}

function writeValue(out: RowBuffer, r: Reader, value: Range, where: string): void {
  if (value.start < 0) out.ascii('""');
  else writeAnyValue(out, r, value, where);
}

/**
 * An attribute list with a duplicate key (rare): each key once, where it first
 * appeared, with its last value, as pcommon.Map and values.ts's attributesJson
 * keep them.
 */
function writeDeduplicated(out: RowBuffer, r: Reader, entries: Range[], count: number, where: string): void {
  const values = new RowBuffer(1024);
  const last = new Map<string, { key: Range; start: number; end: number }>();
  for (let i = 0; i < count; i++) {
    const { key, value } = keyValue(r, entries[i]!);
    const start = values.pos;
    writeValue(values, r, value, `${where}[${i}].value`);
    last.set(keyBytes(r.buf, key), { key, start, end: values.pos });
  }
  out.byte(OPEN_BRACE);
  let first = true;
  for (const { key, start, end } of last.values()) {
    if (!first) out.byte(COMMA);
    first = false;
    writeJsonString(out, r, key);
    out.byte(COLON);
    out.bytes(values.buf, start, end);
  }
  out.byte(CLOSE_BRACE);
}
