/**
 * Reads back the otel_traces Native blocks that the decoders write (span-block.ts), for
 * the live tail: which spans a request stored, without asking the store. It indexes
 * where each value lies and decodes a value only when asked, because the tail looks at
 * every stored span but sends few of them: turning every span into strings and objects
 * would cost the ingest path what the tail is not allowed to (README, Live tail).
 *
 * Only the columns up to StatusCode are indexed; the reader stops there, so Events and
 * Links, the bulk of many spans, are never walked.
 */
import type { SpanRows } from './columns';

/** Where each row's value of a String column lies: bytes [begin[i], end[i]) of the block. */
interface StringIndex {
  begin: Int32Array;
  end: Int32Array;
}

/** A Map(String, String) column: row i's entries are [offsets[i], offsets[i + 1]) of keys and values. */
interface MapIndex {
  offsets: Int32Array;
  keys: StringIndex;
  values: StringIndex;
}

const WANTED = ['Timestamp', 'TraceId', 'SpanId', 'SpanName', 'SpanKind', 'ServiceName', 'ResourceAttributes', 'SpanAttributes', 'Duration', 'StatusCode'] as const;
type Wanted = (typeof WANTED)[number];
const LAST_WANTED: Wanted = 'StatusCode';

/** A block that is not what the decoders write: a bug, never input (the bytes are our own). */
export class SpanBlockFormatError extends Error {}

class Cursor {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start: number,
    readonly limit: number,
  ) {
    this.pos = start;
  }

  varUInt(): number {
    const { buf } = this;
    let n = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.limit) throw new SpanBlockFormatError('a Native block ends inside a number');
      const b = buf[this.pos++]!;
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 128;
    }
  }

  text(): string {
    const n = this.varUInt();
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  skip(n: number): void {
    this.pos += n;
    if (this.pos > this.limit) throw new SpanBlockFormatError('a Native block ends inside a column');
  }

  /** `count` String values, indexed. */
  strings(count: number): StringIndex {
    const begin = new Int32Array(count);
    const end = new Int32Array(count);
    const { buf } = this;
    for (let i = 0; i < count; i++) {
      // Most values are shorter than 128 bytes: their length is one byte.
      const first = buf[this.pos]!;
      const n = first < 0x80 ? (this.pos++, first) : this.varUInt();
      begin[i] = this.pos;
      this.pos += n;
      end[i] = this.pos;
    }
    if (this.pos > this.limit) throw new SpanBlockFormatError('a Native block ends inside a String column');
    return { begin, end };
  }

  /** `count` String values, only passed over. */
  skipStrings(count: number): void {
    const { buf } = this;
    for (let i = 0; i < count; i++) {
      const first = buf[this.pos]!;
      const n = first < 0x80 ? (this.pos++, first) : this.varUInt();
      this.pos += n;
    }
    if (this.pos > this.limit) throw new SpanBlockFormatError('a Native block ends inside a String column');
  }

  /** `count` cumulative UInt64 offsets (below 2^31: a block's elements), as [0, o1, ..., on]. */
  offsets(count: number): Int32Array {
    const out = new Int32Array(count + 1);
    const { buf } = this;
    for (let i = 0; i < count; i++) {
      out[i + 1] = buf.readUInt32LE(this.pos);
      this.pos += 8;
    }
    if (this.pos > this.limit) throw new SpanBlockFormatError('a Native block ends inside offsets');
    return out;
  }
}

/** One block's spans, their values read on demand. */
export class SpanBlockView {
  private readonly strings: Partial<Record<Wanted, StringIndex>> = {};
  private readonly maps: Partial<Record<Wanted, MapIndex>> = {};
  private timestampAt = 0;
  private durationAt = 0;

  constructor(
    readonly buf: Buffer,
    readonly rows: number,
    start: number,
    end: number,
  ) {
    const c = new Cursor(buf, start, end);
    const columns = c.varUInt();
    if (c.varUInt() !== rows) throw new SpanBlockFormatError('a Native block holds another row count than its header says');
    for (let col = 0; col < columns; col++) {
      const name = c.text();
      const type = c.text();
      const wanted = (WANTED as readonly string[]).includes(name) ? (name as Wanted) : undefined;
      if (type === 'String') {
        if (wanted) this.strings[wanted] = c.strings(rows);
        else c.skipStrings(rows);
      } else if (type === 'DateTime64(9)' || type === 'UInt64') {
        if (name === 'Timestamp') this.timestampAt = c.pos;
        if (name === 'Duration') this.durationAt = c.pos;
        c.skip(8 * rows);
      } else if (type === 'Map(String, String)') {
        const offsets = c.offsets(rows);
        const entries = offsets[rows]!;
        const keys = c.strings(entries);
        const values = c.strings(entries);
        if (wanted) this.maps[wanted] = { offsets, keys, values };
      } else {
        throw new SpanBlockFormatError(`column ${name} has type ${type}, which comes after the columns the tail reads`);
      }
      if (name === LAST_WANTED) return;
    }
    throw new SpanBlockFormatError('a Native block of otel_traces without a StatusCode column');
  }

  private string(column: Wanted, i: number): string {
    const index = this.strings[column]!;
    return this.buf.toString('utf8', index.begin[i], index.end[i]);
  }

  /** Whether row i's value of a String column is exactly `bytes` (no string is made). */
  equals(column: 'ServiceName' | 'SpanName' | 'StatusCode', i: number, bytes: Buffer): boolean {
    const index = this.strings[column]!;
    const begin = index.begin[i]!;
    const n = index.end[i]! - begin;
    if (n !== bytes.length) return false;
    const { buf } = this;
    for (let k = 0; k < n; k++) if (buf[begin + k] !== bytes[k]) return false;
    return true;
  }

  traceId(i: number): string {
    return this.string('TraceId', i);
  }
  spanId(i: number): string {
    return this.string('SpanId', i);
  }
  name(i: number): string {
    return this.string('SpanName', i);
  }
  kind(i: number): string {
    return this.string('SpanKind', i);
  }
  service(i: number): string {
    return this.string('ServiceName', i);
  }
  statusCode(i: number): string {
    return this.string('StatusCode', i);
  }
  /** Unix nanoseconds. */
  startNs(i: number): bigint {
    return this.buf.readBigInt64LE(this.timestampAt + 8 * i);
  }
  /** Nanoseconds, exact below 2^53 (104 days). */
  durationNs(i: number): number {
    const at = this.durationAt + 8 * i;
    return this.buf.readUInt32LE(at) + this.buf.readUInt32LE(at + 4) * 0x1_0000_0000;
  }

  /** Row i's value of `key` in its span's (scope 'span') or its resource's attributes; undefined when absent. */
  attribute(scope: 'span' | 'resource', i: number, key: Buffer): string | undefined {
    const map = this.maps[scope === 'span' ? 'SpanAttributes' : 'ResourceAttributes']!;
    const { buf } = this;
    const { begin, end } = map.keys;
    const n = key.length;
    entries: for (let e = map.offsets[i]!, last = map.offsets[i + 1]!; e < last; e++) {
      const b = begin[e]!;
      if (end[e]! - b !== n) continue;
      for (let k = 0; k < n; k++) if (buf[b + k] !== key[k]) continue entries;
      return buf.toString('utf8', map.values.begin[e], map.values.end[e]);
    }
    return undefined;
  }
}

/** A request's stored rows as one view per Native block (one per UTC day). */
export function readSpanBlocks(rows: SpanRows): SpanBlockView[] {
  return rows.days.map((day) => new SpanBlockView(rows.data, day.spans, day.start, day.end));
}
