/**
 * Attribute values to storage text, as the OpenTelemetry Collector's
 * clickhouseexporter writes them (pcommon Value.AsString): strings as they are,
 * booleans and numbers as text, bytes as base64, arrays and maps as JSON (map keys
 * sorted, as Go's encoder sorts them), an empty value as ''.
 */
import type { LeafCodec } from './leaves';
import { MAX_ANY_VALUE_DEPTH } from './limits';
import { MalformedRequest } from './malformed';

type Node = Record<string, unknown>;

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Go's strconv 'g' spelling for the values JSON cannot hold. */
export function doubleText(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return '+Inf';
  if (d === -Infinity) return '-Inf';
  return String(d);
}

/** The refusal of a value nested past MAX_ANY_VALUE_DEPTH; `where` is the attribute's own value. */
export function nestedTooDeep(where: string): MalformedRequest {
  return new MalformedRequest(`${where}: an AnyValue nests deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
}

/** The value as a string column's text. */
export function anyValueText(v: unknown, leaves: LeafCodec, where: string): string {
  if (v == null) return '';
  if (!isNode(v)) throw new MalformedRequest(`${where}: expected an AnyValue object`);
  switch (leaves.anyValueCase(v)) {
    case undefined:
      return '';
    case 'stringValue':
      return checked(leaves.str(v['stringValue']), where, 'stringValue', 'a string');
    case 'boolValue':
      return checkedBool(v['boolValue'], where) ? 'true' : 'false';
    case 'intValue':
      return checked(leaves.int(v['intValue']), where, 'intValue', 'a 64-bit integer');
    case 'doubleValue':
      return doubleText(checked(leaves.double(v['doubleValue']), where, 'doubleValue', 'a number'));
    case 'bytesValue':
      return checked(leaves.bytes(v['bytesValue']), where, 'bytesValue', 'base64 bytes');
    case 'arrayValue':
    case 'kvlistValue':
      return anyValueJson(v, leaves, where, { depth: 1, top: where });
  }
}

/** How deep a member of an array or map is, and the attribute value it belongs to. */
interface Nesting {
  depth: number;
  top: string;
}

/** The value as JSON, for the members of arrays and maps. */
function anyValueJson(v: unknown, leaves: LeafCodec, where: string, nesting: Nesting): string {
  if (nesting.depth > MAX_ANY_VALUE_DEPTH) throw nestedTooDeep(nesting.top);
  const inner: Nesting = { depth: nesting.depth + 1, top: nesting.top };
  if (v == null) return 'null';
  if (!isNode(v)) throw new MalformedRequest(`${where}: expected an AnyValue object`);
  switch (leaves.anyValueCase(v)) {
    case undefined:
      return 'null';
    case 'stringValue':
    case 'bytesValue':
      return JSON.stringify(anyValueText(v, leaves, where));
    case 'boolValue':
    case 'intValue':
      return anyValueText(v, leaves, where);
    case 'doubleValue': {
      const d = checked(leaves.double(v['doubleValue']), where, 'doubleValue', 'a number');
      return Number.isFinite(d) ? String(d) : JSON.stringify(doubleText(d));
    }
    case 'arrayValue': {
      const values = listOf(v['arrayValue'], `${where}.arrayValue`);
      return `[${values.map((item, i) => anyValueJson(item, leaves, `${where}.arrayValue.values[${i}]`, inner)).join(',')}]`;
    }
    case 'kvlistValue': {
      const entries = new Map<string, string>();
      listOf(v['kvlistValue'], `${where}.kvlistValue`).forEach((kv, i) => {
        const at = `${where}.kvlistValue.values[${i}]`;
        if (!isNode(kv)) throw new MalformedRequest(`${at}: expected a KeyValue object`);
        entries.set(checked(leaves.str(kv['key']), at, 'key', 'a string'), anyValueJson(kv['value'], leaves, `${at}.value`, inner));
      });
      const keys = [...entries.keys()].sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${entries.get(k)}`).join(',')}}`;
    }
  }
}

/** The `values` list of an ArrayValue or KeyValueList. */
function listOf(container: unknown, where: string): unknown[] {
  if (container == null) return [];
  if (!isNode(container)) throw new MalformedRequest(`${where}: expected an object with "values"`);
  const values = container['values'];
  if (values == null) return [];
  if (!Array.isArray(values)) throw new MalformedRequest(`${where}.values: expected an array`);
  return values;
}

function checked<T>(value: T | undefined, where: string, field: string, expected: string): T {
  if (value === undefined) throw new MalformedRequest(`${where}.${field}: expected ${expected}`);
  return value;
}

function checkedBool(v: unknown, where: string): boolean {
  if (typeof v !== 'boolean') throw new MalformedRequest(`${where}.boolValue: expected true or false`);
  return v;
}

/**
 * The attribute count limit, applied as the SDKs apply theirs: the first `max`
 * entries of a list are kept and the rest dropped. Dropped entries are counted
 * for the response, and are not read at all, so a list of any length costs no
 * more than `max` entries.
 */
export class AttributeCap {
  dropped = 0;
  /** Path of the first list that lost entries. */
  first: string | undefined;

  constructor(readonly max: number) {}

  /** How many of a list's `count` entries to read. */
  keep(count: number, where: string): number {
    if (count <= this.max) return count;
    this.dropped += count - this.max;
    this.first ??= where;
    return this.max;
  }

  /** The count so far, to restore when the span that added to it is rejected whole. */
  mark(): number {
    return this.dropped;
  }

  reset(mark: number): void {
    this.dropped = mark;
    // `first` is set by the first drop of the request, so it stands unless that drop is undone.
    if (mark === 0) this.first = undefined;
  }
}

/**
 * A KeyValue list as the entries of a Map(LowCardinality(String), String) value,
 * keys to storage text. Later duplicates of a key win, in the place of its first
 * appearance, as in pcommon.Map (and as a JS Map keeps them).
 */
export function attributeMap(list: unknown, leaves: LeafCodec, where: string, cap: AttributeCap): Map<string, string> {
  const map = new Map<string, string>();
  if (list == null) return map;
  if (!Array.isArray(list)) throw new MalformedRequest(`${where}: expected an array of KeyValue`);
  const count = cap.keep(list.length, where);
  for (let i = 0; i < count; i++) {
    const kv: unknown = list[i];
    const at = `${where}[${i}]`;
    if (!isNode(kv)) throw new MalformedRequest(`${at}: expected a KeyValue object`);
    map.set(checked(leaves.str(kv['key']), at, 'key', 'a string'), anyValueText(kv['value'], leaves, `${at}.value`));
  }
  return map;
}

/** Map entries as the JSON object of a Map column in JSONCompactEachRow. */
export function mapJson(map: ReadonlyMap<string, string>): string {
  let out = '{';
  for (const [key, value] of map) {
    if (out.length > 1) out += ',';
    out += JSON.stringify(key) + ':' + JSON.stringify(value);
  }
  return out + '}';
}

/** The string value of one attribute among the first `max` of the list, if it has it. */
export function attributeString(list: unknown, key: string, leaves: LeafCodec, where: string, max: number): string | undefined {
  if (!Array.isArray(list)) return undefined;
  let found: string | undefined;
  for (let i = 0; i < Math.min(list.length, max); i++) {
    const kv: unknown = list[i];
    if (isNode(kv) && kv['key'] === key) found = anyValueText(kv['value'], leaves, `${where}[${i}].value`);
  }
  return found;
}
