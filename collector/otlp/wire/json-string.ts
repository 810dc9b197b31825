/**
 * Protobuf strings as JSON string literals, written straight from the request's
 * bytes: byte for byte what JSON.stringify writes for the decoded string, so that
 * both decode paths write the same rows.
 */
import { isUtf8 } from 'node:buffer';
import type { Reader, Range } from './reader';
import type { RowBuffer } from './row-buffer';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SHORT_ESCAPES: Record<number, string> = { 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r' };

/**
 * The string in `range` as a JSON literal ('""' when absent): '"', '\' and control
 * characters escaped, other UTF-8 copied. Invalid UTF-8 makes the request malformed,
 * as protobufjs refuses it on the other path.
 */
export function writeJsonString(out: RowBuffer, r: Reader, range: Range): void {
  if (range.start < 0) {
    out.ascii('""');
    return;
  }
  const src = r.buf;
  const n = range.end - range.start;
  out.ensure(n + 2);
  const buf = out.buf;
  let pos = out.pos;
  buf[pos++] = QUOTE;
  // Copy while scanning; fall back at the first byte that needs escaping or UTF-8 checks.
  let i = range.start;
  for (; i < range.end; i++) {
    const b = src[i]!;
    if (b < 0x20 || b === QUOTE || b === BACKSLASH || b >= 0x80) break;
    buf[pos++] = b;
  }
  out.pos = pos;
  if (i < range.end) {
    checkUtf8(r, range);
    for (; i < range.end; i++) {
      const b = src[i]!;
      if (b === QUOTE || b === BACKSLASH) {
        out.byte(BACKSLASH);
        out.byte(b);
      } else if (b < 0x20) out.ascii(SHORT_ESCAPES[b] ?? `\\u00${b.toString(16).padStart(2, '0')}`);
      else out.byte(b);
    }
  }
  out.byte(QUOTE);
}

/** Refuses a string writeJsonString would refuse, without writing it. */
export function checkUtf8(r: Reader, range: Range): void {
  if (range.start >= 0 && !isUtf8(r.buf.subarray(range.start, range.end))) r.fail('a string is not valid UTF-8');
}
