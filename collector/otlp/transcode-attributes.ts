/**
 * Attribute lists and AnyValues from protobuf bytes to the entries of a Native
 * Map column: per entry the key's bytes and the value's storage text, the same
 * text values.ts gives for the same attributes from a decoded tree (an
 * integration test holds the two to that, through the engine).
 *
 * Work is linear in the list: it is cut to the attribute cap before its entries
 * are read, and duplicate keys are found with a set, not by comparing every pair
 * (that took 72 s on one 800 KB request of 80,000 keys). Arrays and maps are
 * decoded by protobufjs and stringified by values.ts, so that logic exists once;
 * their depth is checked here first, because protobufjs decodes them recursively.
 */
import type { Type } from 'protobufjs';
import { ColumnBuffer, encoded } from '../../storage/native';
import type { MapColumn } from '../../storage/span-block';
import { AnyValue, ArrayValue, KeyValue, KeyValueList } from './fields';
import { protobufLeaves } from './leaves';
import { MAX_ANY_VALUE_DEPTH } from './limits';
import { otlpTypes } from './proto';
import { anyValueText, doubleText, nestedTooDeep, type AttributeCap } from './values';
import { checkUtf8 } from './wire/utf8';
import { ABSENT, FIXED64, fieldMap, LEN, tagOf, VARINT, type FieldReader, type Range, type Reader } from './wire/reader';

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

const KEY_TAG = tagOf(KeyValue.KEY, LEN);
const VALUE_TAG = tagOf(KeyValue.VALUE, LEN);

/**
 * The key and value of one KeyValue, read into `kv`. By hand rather than through a
 * field map: this runs once per attribute, and the map's indirect call per field
 * cost the whole walk 6% on SDK-made requests (measured).
 */
function readKeyValue(r: Reader, entry: Range, kv: KeyValueFields): KeyValueFields {
  kv.key = ABSENT;
  kv.value = ABSENT;
  r.pos = entry.start;
  while (r.pos < entry.end) {
    const tag = r.uint32(entry.end);
    if (tag === KEY_TAG) kv.key = r.delimited(entry.end);
    else if (tag === VALUE_TAG) kv.value = r.delimited(entry.end);
    else r.skip(tag & 7, entry.end);
  }
  return kv;
}

type AnyValueRead = FieldReader<AnyValueFields>['read'];

/** A oneof member in a length-delimited payload (string, bytes, array, map). */
function payloadOf(member: number): AnyValueRead {
  return (r, end, m) => {
    m.member = member;
    m.payload = r.delimited(end);
  };
}

/** A oneof member held in 64 bits: a varint (bool, int)... */
function varintOf(member: number): AnyValueRead {
  return (r, end, m) => {
    m.member = member;
    m.scalar = r.varint64(end);
  };
}

/** ...or a fixed64 (double). */
function fixed64Of(member: number): AnyValueRead {
  return (r, end, m) => {
    m.member = member;
    m.scalar = r.fixed64(end);
  };
}

const ANY_VALUE = fieldMap<AnyValueFields>({
  [AnyValue.STRING_VALUE]: [LEN, payloadOf(AnyValue.STRING_VALUE)],
  [AnyValue.BOOL_VALUE]: [VARINT, varintOf(AnyValue.BOOL_VALUE)],
  [AnyValue.INT_VALUE]: [VARINT, varintOf(AnyValue.INT_VALUE)],
  [AnyValue.DOUBLE_VALUE]: [FIXED64, fixed64Of(AnyValue.DOUBLE_VALUE)],
  [AnyValue.ARRAY_VALUE]: [LEN, payloadOf(AnyValue.ARRAY_VALUE)],
  [AnyValue.KVLIST_VALUE]: [LEN, payloadOf(AnyValue.KVLIST_VALUE)],
  [AnyValue.BYTES_VALUE]: [LEN, payloadOf(AnyValue.BYTES_VALUE)],
});

/** The values of an ArrayValue, or the entries of a KeyValueList: the list read into. */
const ARRAY_VALUES = fieldMap<Range[]>({ [ArrayValue.VALUES]: [LEN, (r, end, list) => list.push(r.delimited(end))] });
const KVLIST_VALUES = fieldMap<Range[]>({ [KeyValueList.VALUES]: [LEN, (r, end, list) => list.push(r.delimited(end))] });

function int64Text(lo: number, hi: number): string {
  if (hi === 0) return String(lo);
  if (hi < 0x200000) return String(hi * 2 ** 32 + lo);
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
}

const NO_SCALAR: [number, number] = [0, 0];
const anyValue: AnyValueFields = { member: 0, payload: ABSENT, scalar: NO_SCALAR };
const TRUE_BYTES = encoded((out) => out.text('true'));
const FALSE_BYTES = encoded((out) => out.text('false'));
/** A double's two halves read back as the double, without a Buffer per value. */
const doubleBits = new DataView(new ArrayBuffer(8));

/** Strings up to this long are copied and checked for non-ASCII bytes in one loop, as ColumnBuffer.string copies them. */
const SHORT_STRING = 64;

/**
 * A string field's bytes as a String value ('' when absent); invalid UTF-8 makes
 * the request malformed, as protobufjs refuses it. A short string is checked for
 * UTF-8 only when it has a non-ASCII byte: most have none, and isUtf8 and the
 * subarray it takes cost more than the copy (measured on SDK-made requests).
 */
export function writeString(out: ColumnBuffer, r: Reader, range: Range): void {
  if (range.start < 0) out.varUInt(0);
  else writeText(out, r, range.start, range.end);
}

/** writeString for the string in `[start, end)` of the request. */
function writeText(out: ColumnBuffer, r: Reader, start: number, end: number): void {
  const n = end - start;
  if (n > SHORT_STRING) {
    checkUtf8(r, { start, end });
    out.string(r.buf, start, end);
    return;
  }
  out.varUInt(n);
  out.ensure(n);
  const src = r.buf;
  const buf = out.buf;
  let pos = out.length;
  let bits = 0;
  for (let i = start; i < end; i++) {
    const b = src[i]!;
    bits |= b;
    buf[pos++] = b;
  }
  out.length = pos;
  if (bits >= 0x80) checkUtf8(r, { start, end });
}

const STRING_VALUE_TAG = tagOf(AnyValue.STRING_VALUE, LEN);
const INT_VALUE_TAG = tagOf(AnyValue.INT_VALUE, VARINT);
const DOUBLE_VALUE_TAG = tagOf(AnyValue.DOUBLE_VALUE, FIXED64);

/**
 * An AnyValue that is one string, int or double field and nothing else, as nearly
 * every attribute is, written without the field map; false for any other shape
 * (several fields, where the last one wins; other members), left to writeAnyValue's
 * general path, which also gives a malformed value its refusal.
 */
function writeSingleScalar(out: ColumnBuffer, r: Reader, start: number, end: number): boolean {
  if (end - start < 2) return false;
  const tag = r.buf[start];
  if (tag === STRING_VALUE_TAG) {
    r.pos = start + 1;
    const n = r.uint32(end);
    if (r.pos + n !== end) return false;
    writeText(out, r, r.pos, end);
    return true;
  }
  if (tag === INT_VALUE_TAG) {
    r.pos = start + 1;
    const [lo, hi] = r.varint64(end);
    if (r.pos !== end) return false;
    out.ascii(int64Text(lo, hi));
    return true;
  }
  if (tag === DOUBLE_VALUE_TAG && end - start === 9) {
    doubleBits.setUint32(0, r.buf.readUInt32LE(start + 1), true);
    doubleBits.setUint32(4, r.buf.readUInt32LE(start + 5), true);
    out.ascii(doubleText(doubleBits.getFloat64(0, true)));
    return true;
  }
  return false;
}

/** One AnyValue (the bytes in `value`) as its storage text. */
function writeAnyValue(out: ColumnBuffer, r: Reader, value: Range, where: string): void {
  if (writeSingleScalar(out, r, value.start, value.end)) return;
  // One AnyValue read into, reset per value (this runs once per attribute); nothing below reads another first.
  const read = anyValue;
  read.member = 0;
  read.payload = ABSENT;
  read.scalar = NO_SCALAR;
  const { member, payload, scalar } = r.message(value, ANY_VALUE, read);
  switch (member) {
    case 0:
      out.varUInt(0);
      return;
    case AnyValue.STRING_VALUE:
      writeString(out, r, payload);
      return;
    // Booleans, numbers and base64 are ASCII text.
    case AnyValue.BOOL_VALUE:
      out.raw(scalar[0] !== 0 || scalar[1] !== 0 ? TRUE_BYTES : FALSE_BYTES);
      return;
    case AnyValue.INT_VALUE:
      out.ascii(int64Text(scalar[0], scalar[1]));
      return;
    case AnyValue.DOUBLE_VALUE:
      doubleBits.setUint32(0, scalar[0], true);
      doubleBits.setUint32(4, scalar[1], true);
      out.ascii(doubleText(doubleBits.getFloat64(0, true)));
      return;
    case AnyValue.BYTES_VALUE:
      out.ascii(r.buf.toString('base64', payload.start, payload.end));
      return;
    default:
      refuseDeepNesting(r, value, 1, where);
      out.text(anyValueText(decodeSlowly(r, value), protobufLeaves, where));
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

/** Lists up to this long are checked for duplicate keys pair by pair: cheaper than building strings. */
const SHORT_LIST = 16;

/**
 * The keys of one attribute list seen so far, by their bytes: one instance, emptied
 * for each list (reset), its short-list positions in typed arrays, so that a list
 * allocates nothing.
 */
class SeenKeys {
  private buf: Buffer = Buffer.alloc(0);
  private count = 0;
  private readonly starts = new Int32Array(SHORT_LIST);
  private readonly ends = new Int32Array(SHORT_LIST);
  private set: Set<string> | undefined;

  reset(buf: Buffer): void {
    this.buf = buf;
    this.count = 0;
    this.set = undefined;
  }

  /** Adds the key in `[start, end)` (start < 0: absent, the empty key); false when the list already had it. */
  add(start: number, end: number): boolean {
    if (start < 0) end = start;
    if (this.set === undefined && this.count < SHORT_LIST) {
      const { buf, starts, ends } = this;
      const n = end - start;
      for (let k = 0; k < this.count; k++) {
        const s = starts[k]!;
        if (ends[k]! - s !== n) continue;
        let same = true;
        for (let i = 0; i < n; i++) {
          if (buf[s + i] !== buf[start + i]) {
            same = false;
            break;
          }
        }
        if (same) return false;
      }
      starts[this.count] = start;
      ends[this.count] = end;
      this.count++;
      return true;
    }
    if (this.set === undefined) {
      this.set = new Set();
      for (let k = 0; k < this.count; k++) this.set.add(keyBytes(this.buf, { start: this.starts[k]!, end: this.ends[k]! }));
    }
    const size = this.set.size;
    return this.set.add(keyBytes(this.buf, { start, end })).size > size;
  }
}

const seenKeys = new SeenKeys();

/** A key's bytes one char each: distinct bytes stay distinct, with no UTF-8 decoding. */
function keyBytes(buf: Buffer, key: Range): string {
  return key.start < 0 ? '' : buf.toString('latin1', key.start, key.end);
}

/** The key and value ranges of one KeyValue. */
function keyValue(r: Reader, entry: Range): KeyValueFields {
  return readKeyValue(r, entry, { key: ABSENT, value: ABSENT });
}

/**
 * A repeated KeyValue field (the ranges of its entries) as one Map value: its
 * entries written into `map`, then the row (or Array element) ended.
 */
export function writeAttributes(map: MapColumn, r: Reader, entries: Range[], where: string, cap: AttributeCap): void {
  const count = cap.keep(entries.length, where);
  if (count > 0) writeEntries(map, r, entries, count, where);
  map.endRow();
}

function writeEntries(map: MapColumn, r: Reader, entries: Range[], count: number, where: string): void {
  const keysStart = map.keys.length;
  const valuesStart = map.values.length;
  const keys = seenKeys;
  keys.reset(r.buf);
  for (let i = 0; i < count; i++) {
    // The KeyValue read by hand, into numbers: this loop runs once per attribute, and
    // a field map's indirect calls, or a Range per key and value, cost measurably.
    const entry = entries[i]!;
    let keyStart = -1;
    let keyEnd = -1;
    let valueStart = -1;
    let valueEnd = -1;
    r.pos = entry.start;
    while (r.pos < entry.end) {
      const tag = r.uint32(entry.end);
      if (tag !== KEY_TAG && tag !== VALUE_TAG) {
        r.skip(tag & 7, entry.end);
        continue;
      }
      const length = r.uint32(entry.end);
      const start = r.pos;
      if (start + length > entry.end) r.fail('a length runs past the end of its message');
      r.pos = start + length;
      if (tag === KEY_TAG) {
        keyStart = start;
        keyEnd = r.pos;
      } else {
        valueStart = start;
        valueEnd = r.pos;
      }
    }
    if (!keys.add(keyStart, keyEnd)) {
      map.keys.truncate(keysStart);
      map.values.truncate(valuesStart);
      map.entries -= i;
      writeDeduplicated(map, r, entries, count, where);
      return;
    }
    if (keyStart < 0) map.keys.varUInt(0);
    else writeText(map.keys, r, keyStart, keyEnd);
    if (valueStart < 0) map.values.varUInt(0);
    else if (!writeSingleScalar(map.values, r, valueStart, valueEnd)) writeAnyValue(map.values, r, { start: valueStart, end: valueEnd }, `${where}[${i}].value`);
    map.entries++;
  }
}

function writeValue(out: ColumnBuffer, r: Reader, value: Range, where: string): void {
  if (value.start < 0) out.varUInt(0);
  else writeAnyValue(out, r, value, where);
}

/**
 * An attribute list with a duplicate key (rare): each key once, where it first
 * appeared, with its last value, as pcommon.Map and values.ts's attributeMap
 * keep them. A Native Map would keep every duplicate, so this is not optional.
 */
function writeDeduplicated(map: MapColumn, r: Reader, entries: Range[], count: number, where: string): void {
  const values = new ColumnBuffer(1024);
  const last = new Map<string, { key: Range; start: number; end: number }>();
  for (let i = 0; i < count; i++) {
    const { key, value } = keyValue(r, entries[i]!);
    const start = values.length;
    writeValue(values, r, value, `${where}[${i}].value`);
    last.set(keyBytes(r.buf, key), { key, start, end: values.length });
  }
  for (const { key, start, end } of last.values()) {
    writeString(map.keys, r, key);
    map.values.raw(values.buf, start, end);
    map.entries++;
  }
}
