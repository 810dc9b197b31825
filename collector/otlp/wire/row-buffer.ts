/**
 * The row bytes of a request, written as the request is read: a buffer that grows
 * by doubling, with writers for the short pieces rows are made of.
 */

/** The punctuation of JSONCompactEachRow rows and of the Map values inside them. */
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const CLOSE_BRACKET = 0x5d;

export class RowBuffer {
  buf: Buffer;
  /** The end of what is written; a writer may set it back to drop what it wrote since. */
  pos = 0;

  /**
   * The rows of a request start at 256 KiB; the small parts written once per
   * resource or scope start small, since a request may hold millions of those.
   */
  constructor(initialBytes = 256 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Room for n more bytes at pos. */
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

  /** What is written, without a copy: valid until the next write. */
  result(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}
