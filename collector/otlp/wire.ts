/**
 * The protobuf wire format as transcode.ts reads it: byte ranges of the request, a
 * cursor over its fields, and the growing output the row text is written to.
 */
import { isUtf8 } from 'node:buffer';
import { MalformedRequest } from './malformed';

export const VARINT = 0;
export const FIXED64 = 1;
export const LEN = 2;
export const FIXED32 = 5;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
const SHORT_ESCAPES: Record<number, string> = { 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r' };

/** A byte range [start, end) of the request; start < 0 means absent. */
export interface Range {
  start: number;
  end: number;
}
export const ABSENT: Range = { start: -1, end: -1 };

/** A cursor over the request's bytes. */
export class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  fail(what: string): never {
    throw new MalformedRequest(`body is not a valid ExportTraceServiceRequest protobuf: ${what} (at byte ${this.pos})`);
  }

  /** A varint of up to 32 significant bits: tags, lengths, enums. */
  uint32(end: number): number {
    const [lo] = this.varint64(end);
    return lo;
  }

  /** A 64-bit varint as its low and high 32-bit halves. */
  varint64(end: number): [number, number] {
    let lo = 0;
    let hi = 0;
    for (let shift = 0; ; shift += 7) {
      if (this.pos >= end) this.fail('truncated varint');
      if (shift > 63) this.fail('varint longer than 10 bytes');
      const b = this.buf[this.pos++]!;
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      if (b < 0x80) return [lo >>> 0, hi >>> 0];
    }
  }

  fixed64(end: number): [number, number] {
    if (this.pos + 8 > end) this.fail('truncated fixed64');
    const halves: [number, number] = [this.buf.readUInt32LE(this.pos), this.buf.readUInt32LE(this.pos + 4)];
    this.pos += 8;
    return halves;
  }

  /** A length-delimited payload's range; pos moves past it. */
  delimited(end: number): Range {
    const length = this.uint32(end);
    const range = { start: this.pos, end: this.pos + length };
    if (range.end > end) this.fail('a length runs past the end of its message');
    this.pos = range.end;
    return range;
  }

  skip(wireType: number, end: number): void {
    if (wireType === VARINT) this.varint64(end);
    else if (wireType === LEN) this.delimited(end);
    else if (wireType === FIXED64 || wireType === FIXED32) {
      this.pos += wireType === FIXED64 ? 8 : 4;
      if (this.pos > end) this.fail('truncated fixed-size field');
    } else this.fail(`unsupported wire type ${wireType}`);
  }

  /** Calls visit(field, wireType) for each field of the message in [pos, end). */
  fields(end: number, visit: (field: number, wireType: number) => boolean): void {
    while (this.pos < end) {
      const tag = this.uint32(end);
      if (!visit(tag >>> 3, tag & 7)) this.skip(tag & 7, end);
    }
  }
}

/** Row bytes, growing as needed. */
export class Output {
  buf: Buffer;
  pos = 0;

  /**
   * The rows of a request start at 256 KiB; the small parts written once per
   * resource or scope start small, since a request may hold millions of those.
   */
  constructor(initialBytes = 256 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(c: number): void {
    this.ensure(1);
    this.buf[this.pos++] = c;
  }

  /** Short ASCII text; a byte loop beats Buffer.write at these sizes. */
  ascii(s: string): void {
    this.ensure(s.length);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
    this.pos = pos;
  }

  utf8(s: string): void {
    this.ensure(Buffer.byteLength(s));
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  bytes(src: Buffer, start = 0, end = src.length): void {
    const n = end - start;
    this.ensure(n);
    // Buffer.copy has a fixed cost that dominates for the short strings of spans.
    if (n > 64) {
      this.pos += src.copy(this.buf, this.pos, start, end);
      return;
    }
    const buf = this.buf;
    let pos = this.pos;
    for (let i = start; i < end; i++) buf[pos++] = src[i]!;
    this.pos = pos;
  }

  result(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

/**
 * A protobuf string as a JSON literal, byte for byte what JSON.stringify writes for
 * the decoded string: '"', '\' and control characters escaped, other UTF-8 copied.
 * Invalid UTF-8 is refused, as protobufjs refuses it on the other path.
 */
export function writeString(out: Output, r: Reader, range: Range): void {
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
    if (!isUtf8(src.subarray(range.start, range.end))) r.fail('a string is not valid UTF-8');
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

/** Refuses a string writeString would refuse, without writing it. */
export function checkString(r: Reader, range: Range): void {
  if (range.start >= 0 && !isUtf8(r.buf.subarray(range.start, range.end))) r.fail('a string is not valid UTF-8');
}

/** The ranges of each occurrence of a repeated message field. */
export function collect(list: Range[], r: Reader, end: number): true {
  list.push(r.delimited(end));
  return true;
}
