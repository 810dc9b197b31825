/**
 * The UTF-8 check that stands in for decoding the strings the protobuf walk copies.
 */
import { MalformedRequest } from '../../../../../collector/otlp/malformed';
import { checkUtf8 } from '../../../../../collector/otlp/wire/utf8';
import { ABSENT, Reader } from '../../../../../collector/otlp/wire/reader';

/** `bytes` placed inside a larger body, as strings sit in a request, and checked there. */
function check(bytes: Buffer): void {
  const body = Buffer.concat([Buffer.from('before'), bytes, Buffer.from('after')]);
  checkUtf8(new Reader(body), { start: 6, end: 6 + bytes.length });
}

test.each([
  ['a lone continuation byte', [0x61, 0x80]],
  ['a truncated sequence', [0xc3]],
  ['an overlong encoding', [0xc0, 0xaf]],
  ['a UTF-16 surrogate', [0xed, 0xa0, 0x80]],
])('refuses %s as a malformed request', (_name, bytes) => {
  expect(() => check(Buffer.from(bytes))).toThrow(MalformedRequest);
  expect(() => check(Buffer.from(bytes))).toThrow(/not valid UTF-8/);
});

test('accepts valid, empty and absent strings', () => {
  expect(() => check(Buffer.from('caf\u00e9 \u{1F600}\u0000'))).not.toThrow();
  expect(() => check(Buffer.alloc(0))).not.toThrow();
  expect(() => checkUtf8(new Reader(Buffer.from('x')), ABSENT)).not.toThrow();
});
