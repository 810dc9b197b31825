/**
 * A cursor over protobuf wire bytes. Nothing is decoded into objects: a message is
 * a byte range of the request, read where it lies, and each message's fields are
 * read through a field map (field number → how to read it).
 */
import { MalformedRequest } from '../malformed';

/** Wire types (the low three bits of a tag). */
export const VARINT = 0;
export const FIXED64 = 1;
export const LEN = 2;
export const FIXED32 = 5;

/** A byte range [start, end) of the request; start < 0 means absent. */
export interface Range {
  start: number;
  end: number;
}
export const ABSENT: Range = { start: -1, end: -1 };

/** How one field is read into the message's fields: its wire type, and the reading of its payload. */
export interface FieldReader<T> {
  readonly wire: number;
  read(r: Reader, end: number, into: T): void;
}

/**
 * The fields of one message that are read, by field number. A field not in the map,
 * or on the wire with another wire type, is skipped, as protobufjs skips it.
 */
export type FieldMap<T> = Readonly<Partial<Record<number, FieldReader<T>>>>;

/** A bytes, string or message field: its range. */
export function delimited<T>(set: (into: T, range: Range) => void): FieldReader<T> {
  return { wire: LEN, read: (r, end, into) => set(into, r.delimited(end)) };
}

/** A repeated bytes, string or message field: the range of each occurrence, in order. */
export function repeated<T>(list: (into: T) => Range[]): FieldReader<T> {
  return { wire: LEN, read: (r, end, into) => void list(into).push(r.delimited(end)) };
}

/** An enum or a uint32 (the low 32 bits of the varint). */
export function uint32<T>(set: (into: T, value: number) => void): FieldReader<T> {
  return { wire: VARINT, read: (r, end, into) => set(into, r.uint32(end)) };
}

/** A bool, int64 or uint64 varint, as its low and high 32-bit halves. */
export function varint64<T>(set: (into: T, halves: [number, number]) => void): FieldReader<T> {
  return { wire: VARINT, read: (r, end, into) => set(into, r.varint64(end)) };
}

/** A fixed64 or double, as its low and high 32-bit halves. */
export function fixed64<T>(set: (into: T, halves: [number, number]) => void): FieldReader<T> {
  return { wire: FIXED64, read: (r, end, into) => set(into, r.fixed64(end)) };
}

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

  /** Reads the fields of the message in `range` that `map` names into `into`, and returns it. */
  message<T>(range: Range, map: FieldMap<T>, into: T): T {
    const end = range.end;
    this.pos = range.start;
    while (this.pos < end) {
      const tag = this.uint32(end);
      const field = map[tag >>> 3];
      if (field !== undefined && field.wire === (tag & 7)) field.read(this, end, into);
      else this.skip(tag & 7, end);
    }
    return into;
  }
}
