/**
 * Attribute values to storage text, as the OpenTelemetry Collector's
 * clickhouseexporter writes them (pcommon Value.AsString): strings as they are,
 * booleans and numbers as text, bytes as base64, arrays and maps as JSON (map keys
 * sorted, as Go's encoder sorts them), an empty value as ''.
 */
import type { LeafCodec } from './leaves';
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
      return anyValueJson(v, leaves, where);
  }
}

/** The value as JSON, for the members of arrays and maps. */
function anyValueJson(v: unknown, leaves: LeafCodec, where: string): string {
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
      return `[${values.map((item, i) => anyValueJson(item, leaves, `${where}.arrayValue.values[${i}]`)).join(',')}]`;
    }
    case 'kvlistValue': {
      const entries = new Map<string, string>();
      listOf(v['kvlistValue'], `${where}.kvlistValue`).forEach((kv, i) => {
        const at = `${where}.kvlistValue.values[${i}]`;
        if (!isNode(kv)) throw new MalformedRequest(`${at}: expected a KeyValue object`);
        entries.set(checked(leaves.str(kv['key']), at, 'key', 'a string'), anyValueJson(kv['value'], leaves, `${at}.value`));
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
 * A KeyValue list as a Map(LowCardinality(String), String) value in JSON text.
 * Later duplicates of a key win, as in pcommon.Map.
 */
export function attributesJson(list: unknown, leaves: LeafCodec, where: string): string {
  if (list == null) return '{}';
  if (!Array.isArray(list)) throw new MalformedRequest(`${where}: expected an array of KeyValue`);
  if (list.length === 0) return '{}';
  let out = '{';
  let seen: Set<string> | undefined;
  let duplicates = false;
  for (let i = 0; i < list.length; i++) {
    const kv: unknown = list[i];
    const at = `${where}[${i}]`;
    if (!isNode(kv)) throw new MalformedRequest(`${at}: expected a KeyValue object`);
    const key = checked(leaves.str(kv['key']), at, 'key', 'a string');
    seen ??= new Set();
    if (seen.has(key)) duplicates = true;
    seen.add(key);
    if (i > 0) out += ',';
    out += JSON.stringify(key) + ':' + JSON.stringify(anyValueText(kv['value'], leaves, `${at}.value`));
  }
  if (!duplicates) return out + '}';
  // Rare: rebuild keeping the last value of each key.
  const last = new Map<string, string>();
  for (let i = 0; i < list.length; i++) {
    const kv = list[i] as Node;
    last.set(leaves.str(kv['key']) as string, anyValueText(kv['value'], leaves, `${where}[${i}].value`));
  }
  return `{${[...last].map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}

/** The string value of one attribute, if the list has it. */
export function attributeString(list: unknown, key: string, leaves: LeafCodec, where: string): string | undefined {
  if (!Array.isArray(list)) return undefined;
  let found: string | undefined;
  for (let i = 0; i < list.length; i++) {
    const kv: unknown = list[i];
    if (isNode(kv) && kv['key'] === key) found = anyValueText(kv['value'], leaves, `${where}[${i}].value`);
  }
  return found;
}
