/**
 * Strings straight from the wire as JSON literals: byte for byte JSON.stringify's
 * output for the decoded string, which the JSON reference path writes.
 */
import { MalformedRequest } from '../../../../../collector/otlp/malformed';
import { checkUtf8, writeJsonString } from '../../../../../collector/otlp/wire/json-string';
import { ABSENT, Reader, type Range } from '../../../../../collector/otlp/wire/reader';
import { RowBuffer } from '../../../../../collector/otlp/wire/row-buffer';

/** `bytes` placed inside a larger body, as strings sit in a request, and written from there. */
function written(bytes: Buffer): string {
  const body = Buffer.concat([Buffer.from('before'), bytes, Buffer.from('after')]);
  const out = new RowBuffer(4);
  writeJsonString(out, new Reader(body), { start: 6, end: 6 + bytes.length });
  return out.result().toString('utf8');
}

const controls = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).join('');

test.each([
  ['plain ASCII', 'GET /api/cart'],
  ['empty', ''],
  ['quotes and backslashes', 'say "hi" \\ \\"'],
  ['every control character', controls],
  ['DEL and the line separators JSON leaves alone', '\u007f\u2028\u2029'],
  ['non-ASCII after ASCII', 'caf\u00e9 \u4e2d\u6587 \u{1F600}'],
  ['hostile markup', '<script>alert("x")</script>\n\t'],
])('%s: as JSON.stringify writes it', (_name, s) => {
  expect(written(Buffer.from(s, 'utf8'))).toBe(JSON.stringify(s));
});

test('an absent string is ""', () => {
  const out = new RowBuffer(4);
  writeJsonString(out, new Reader(Buffer.alloc(0)), ABSENT);
  expect(out.result().toString()).toBe('""');
});

test.each([
  ['a lone continuation byte', [0x61, 0x80]],
  ['a truncated sequence', [0xc3]],
  ['an overlong encoding', [0xc0, 0xaf]],
  ['a UTF-16 surrogate', [0xed, 0xa0, 0x80]],
])('refuses %s as a malformed request, written or only checked', (_name, bytes) => {
  const body = Buffer.from(bytes);
  const range: Range = { start: 0, end: body.length };
  expect(() => written(body)).toThrow(MalformedRequest);
  expect(() => written(body)).toThrow(/not valid UTF-8/);
  expect(() => checkUtf8(new Reader(body), range)).toThrow(/not valid UTF-8/);
});

test('checkUtf8 accepts valid and absent strings', () => {
  const body = Buffer.from('caf\u00e9');
  expect(() => checkUtf8(new Reader(body), { start: 0, end: body.length })).not.toThrow();
  expect(() => checkUtf8(new Reader(body), ABSENT)).not.toThrow();
});
