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
import { protobufLeaves } from './leaves';
import { MAX_ANY_VALUE_DEPTH } from './limits';
import type { Type } from 'protobufjs';
import { otlpTypes } from './proto';
import { anyValueText, doubleText, nestedTooDeep, type AttributeCap } from './values';
import { ABSENT, collect, COMMA, FIXED64, LEN, Output, VARINT, writeString, type Range, type Reader } from './wire';

function int64Text(lo: number, hi: number): string {
  if (hi === 0) return String(lo);
  if (hi < 0x200000) return String(hi * 2 ** 32 + lo);
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** One AnyValue (the bytes in `value`) as a JSON string literal of its storage text. */
function writeAnyValue(out: Output, r: Reader, value: Range, where: string): void {
  let member = 0;
  let payload = ABSENT;
  let scalar: [number, number] = [0, 0];
  r.pos = value.start;
  r.fields(value.end, (field, wire) => {
    if ((field === 1 || field === 5 || field === 6 || field === 7) && wire === LEN) payload = r.delimited(value.end);
    else if ((field === 2 || field === 3) && wire === VARINT) scalar = r.varint64(value.end);
    else if (field === 4 && wire === FIXED64) scalar = r.fixed64(value.end);
    else return false;
    member = field;
    return true;
  });
  switch (member) {
    case 0:
      out.ascii('""');
      return;
    case 1:
      writeString(out, r, payload);
      return;
    case 2:
      out.ascii(scalar[0] !== 0 || scalar[1] !== 0 ? '"true"' : '"false"');
      return;
    case 3:
      out.ascii(`"${int64Text(scalar[0], scalar[1])}"`);
      return;
    case 4: {
      const bytes = Buffer.allocUnsafe(8);
      bytes.writeUInt32LE(scalar[0], 0);
      bytes.writeUInt32LE(scalar[1], 4);
      out.ascii(`"${doubleText(bytes.readDoubleLE(0))}"`);
      return;
    }
    case 7:
      out.ascii(`"${r.buf.toString('base64', payload.start, payload.end)}"`);
      return;
    default:
      refuseDeepNesting(r, value, 1, where);
      out.utf8(JSON.stringify(anyValueText(decodeSlowly(r, value), protobufLeaves, where)));
  }
}

const ARRAY_VALUE = 5;
const KVLIST_VALUE = 6;

/**
 * Throws when an AnyValue (at `depth`) holds members deeper than values.ts accepts
 * from OTLP/JSON. Recursion here stops at MAX_ANY_VALUE_DEPTH, so a 100,000-deep
 * value costs that many levels of stack, not 100,000.
 */
function refuseDeepNesting(r: Reader, value: Range, depth: number, where: string): void {
  r.pos = value.start;
  while (r.pos < value.end) {
    const tag = r.uint32(value.end);
    if ((tag >>> 3 !== ARRAY_VALUE && tag >>> 3 !== KVLIST_VALUE) || (tag & 7) !== LEN) {
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
  const members: Range[] = [];
  r.pos = container.start;
  r.fields(container.end, (field, wire) => field === 1 && wire === LEN && collect(members, r, container.end));
  if (kind === ARRAY_VALUE) return members;
  return members.map((entry) => {
    let value = ABSENT;
    r.pos = entry.start;
    r.fields(entry.end, (field, wire) => {
      if (field !== 2 || wire !== LEN) return false;
      value = r.delimited(entry.end);
      return true;
    });
    return value;
  });
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
function keyValue(r: Reader, entry: Range): { key: Range; value: Range } {
  let key = ABSENT;
  let value = ABSENT;
  r.pos = entry.start;
  r.fields(entry.end, (field, wire) => {
    if (wire !== LEN || (field !== 1 && field !== 2)) return false;
    if (field === 1) key = r.delimited(entry.end);
    else value = r.delimited(entry.end);
    return true;
  });
  return { key, value };
}

/** A repeated KeyValue field (the ranges of its entries) as a JSON object for a Map column. */
export function writeAttributes(out: Output, r: Reader, entries: Range[], where: string, cap: AttributeCap): void {
  const count = cap.keep(entries.length, where);
  if (count === 0) {
    out.ascii('{}');
    return;
  }
  const start = out.pos;
  const keys = new SeenKeys(r.buf);
  out.byte(0x7b);
  for (let i = 0; i < count; i++) {
    // keyValue() inlined: this loop runs once per attribute, and the object it returns cost measurably.
    const entry = entries[i]!;
    let key = ABSENT;
    let value = ABSENT;
    r.pos = entry.start;
    r.fields(entry.end, (field, wire) => {
      if (wire !== LEN || (field !== 1 && field !== 2)) return false;
      if (field === 1) key = r.delimited(entry.end);
      else value = r.delimited(entry.end);
      return true;
    });
    if (!keys.add(key)) {
      out.pos = start;
      writeDeduplicated(out, r, entries, count, where);
      return;
    }
    if (i > 0) out.byte(COMMA);
    writeString(out, r, key);
    out.byte(0x3a);
    writeValue(out, r, value, `${where}[${i}].value`);
  }
  out.byte(0x7d);
}

function writeValue(out: Output, r: Reader, value: Range, where: string): void {
  if (value.start < 0) out.ascii('""');
  else writeAnyValue(out, r, value, where);
}

/**
 * An attribute list with a duplicate key (rare): each key once, where it first
 * appeared, with its last value, as pcommon.Map and values.ts's attributesJson
 * keep them.
 */
function writeDeduplicated(out: Output, r: Reader, entries: Range[], count: number, where: string): void {
  const values = new Output(1024);
  const last = new Map<string, { key: Range; start: number; end: number }>();
  for (let i = 0; i < count; i++) {
    const { key, value } = keyValue(r, entries[i]!);
    const start = values.pos;
    writeValue(values, r, value, `${where}[${i}].value`);
    last.set(keyBytes(r.buf, key), { key, start, end: values.pos });
  }
  out.byte(0x7b);
  let first = true;
  for (const { key, start, end } of last.values()) {
    if (!first) out.byte(COMMA);
    first = false;
    writeString(out, r, key);
    out.byte(0x3a);
    out.bytes(values.buf, start, end);
  }
  out.byte(0x7d);
}
