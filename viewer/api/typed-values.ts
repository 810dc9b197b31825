/**
 * An attribute's type, read back from its stored text. The exporter schema keeps every
 * value as text (pcommon AsString: 42 → "42", true → "true", 3.25 → "3.25", bytes as
 * base64, arrays and maps as JSON), and its columns must stay as they are, so the type
 * is inferred, and only where the inference is lossless: the typed value prints back to
 * exactly the stored text. Anything else, bytes and arrays among them, stays a string.
 *
 * Rejected: a typed shadow of the attribute maps (a second table, written by both decode
 * paths beside every span) would keep the sent type, bytes included, at the cost of a
 * second insert per batch and a join per read. See the README's "Attribute types".
 */

export type TypedValue = { type: 'string'; value: string } | { type: 'bool'; value: boolean } | { type: 'int64'; value: bigint } | { type: 'float64'; value: number };

const INTEGER = /^-?(?:0|[1-9]\d*)$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** What String(number) prints for a finite non-integer double (or one written with an exponent). */
const FLOAT = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:e[-+]\d+)?$/;

export function typedValue(text: string): TypedValue {
  if (text === 'true' || text === 'false') return { type: 'bool', value: text === 'true' };
  if (INTEGER.test(text) && text !== '-0') {
    const n = BigInt(text);
    if (n >= INT64_MIN && n <= INT64_MAX) return { type: 'int64', value: n };
    return { type: 'string', value: text };
  }
  if (FLOAT.test(text)) {
    const d = Number(text);
    if (Number.isFinite(d) && String(d) === text) return { type: 'float64', value: d };
  }
  return { type: 'string', value: text };
}
