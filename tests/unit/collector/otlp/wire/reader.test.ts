/**
 * The wire reader against protobufjs's writer: the same numbers back, every
 * overrun refused as a malformed request, and fields read through a field map.
 */
import { Writer } from 'protobufjs';
import { MalformedRequest } from '../../../../../collector/otlp/malformed';
import { ABSENT, FIXED32, FIXED64, fieldMap, LEN, Reader, tagOf, VARINT, type Range } from '../../../../../collector/otlp/wire/reader';

const tag = tagOf;
const bytesOf = (w: Writer): Buffer => Buffer.from(w.finish());
const whole = (buf: Buffer): Range => ({ start: 0, end: buf.length });

test('a tag is the field number above three bits of wire type', () => {
  expect(tagOf(1, LEN)).toBe(0x0a);
  expect(tagOf(2, LEN)).toBe(0x12);
  expect(tagOf(15, VARINT)).toBe(0x78);
  expect(tagOf(16, FIXED32)).toBe(0x85);
});

describe('numbers', () => {
  test.each([0, 1, 127, 128, 300, 2 ** 31, 2 ** 32 - 1])('a uint32 varint of %d', (n) => {
    const buf = bytesOf(Writer.create().uint32(n));
    const r = new Reader(buf);
    expect(r.uint32(buf.length)).toBe(n);
    expect(r.pos).toBe(buf.length);
  });

  test.each([
    ['0', 0, 0],
    ['2^32', 0, 1],
    ['2^35 + 5', 5, 8],
    ['2^64 - 1', 0xffffffff, 0xffffffff],
  ])('a 64-bit varint of %s, as its halves', (_name, lo, hi) => {
    const buf = bytesOf(Writer.create().uint64({ low: lo | 0, high: hi | 0, unsigned: true }));
    expect(new Reader(buf).varint64(buf.length)).toEqual([lo, hi]);
  });

  test('a negative int64 is ten bytes, its halves the two-complement bits', () => {
    const buf = bytesOf(Writer.create().int64(-1));
    expect(buf).toHaveLength(10);
    expect(new Reader(buf).varint64(buf.length)).toEqual([0xffffffff, 0xffffffff]);
  });

  test('a fixed64, little-endian', () => {
    const buf = bytesOf(Writer.create().fixed64({ low: 7, high: 3, unsigned: true }));
    expect(new Reader(buf).fixed64(buf.length)).toEqual([7, 3]);
  });
});

describe('refusals, each a malformed request naming the byte', () => {
  const refuse = (buf: Buffer, read: (r: Reader) => unknown, message: RegExp): void => {
    const r = new Reader(buf);
    expect(() => read(r)).toThrow(MalformedRequest);
    expect(() => read(new Reader(buf))).toThrow(message);
  };

  test('a varint cut short', () => refuse(Buffer.from([0x80, 0x80]), (r) => r.uint32(2), /truncated varint \(at byte 2\)/));
  test('a varint longer than 10 bytes', () => refuse(Buffer.alloc(11, 0xff), (r) => r.varint64(11), /varint longer than 10 bytes/));
  test('a fixed64 cut short', () => refuse(Buffer.alloc(7), (r) => r.fixed64(7), /truncated fixed64/));
  test('a length past the end of its message', () => refuse(Buffer.from([0x05, 1, 2]), (r) => r.delimited(3), /a length runs past the end/));
  test('a varint read past the end of its message, not of the body', () => refuse(Buffer.from([0x80, 0x01]), (r) => r.uint32(1), /truncated varint/));
  test('an unsupported wire type (groups)', () => refuse(Buffer.from([tag(1, 3)]), (r) => r.message(whole(r.buf), [], {}), /unsupported wire type 3/));
  test('a fixed32 cut short', () => refuse(Buffer.from([tag(1, FIXED32), 0, 0]), (r) => r.message({ start: 0, end: 3 }, [], {}), /truncated fixed-size field/));
});

describe('a message through its field map', () => {
  interface Fields {
    name: Range;
    count: number;
    time: [number, number];
    big: [number, number];
    items: Range[];
  }
  const MAP = fieldMap<Fields>({
    1: [LEN, (r, end, m) => (m.name = r.delimited(end))],
    2: [VARINT, (r, end, m) => (m.count = r.uint32(end))],
    3: [FIXED64, (r, end, m) => (m.time = r.fixed64(end))],
    4: [VARINT, (r, end, m) => (m.big = r.varint64(end))],
    5: [LEN, (r, end, m) => m.items.push(r.delimited(end))],
  });
  const empty = (): Fields => ({ name: ABSENT, count: 0, time: [0, 0], big: [0, 0], items: [] });
  const text = (buf: Buffer, range: Range): string => buf.toString('utf8', range.start, range.end);

  test('reads the fields the map names, the last occurrence of a single field winning', () => {
    const w = Writer.create();
    w.uint32(tag(1, LEN)).string('first');
    w.uint32(tag(5, LEN)).string('a');
    w.uint32(tag(2, VARINT)).uint32(42);
    w.uint32(tag(3, FIXED64)).fixed64({ low: 1, high: 2, unsigned: true });
    w.uint32(tag(4, VARINT)).uint64({ low: 5, high: 6, unsigned: true });
    w.uint32(tag(5, LEN)).string('b');
    w.uint32(tag(1, LEN)).string('second');
    const buf = bytesOf(w);
    const m = new Reader(buf).message(whole(buf), MAP, empty());
    expect(text(buf, m.name)).toBe('second');
    expect(m.count).toBe(42);
    expect(m.time).toEqual([1, 2]);
    expect(m.big).toEqual([5, 6]);
    expect(m.items.map((range) => text(buf, range))).toEqual(['a', 'b']);
  });

  test('is an array indexed by field number', () => {
    expect(MAP).toHaveLength(6);
    expect(MAP[0]).toBeUndefined();
    expect(MAP.slice(1).map((field) => field?.wire)).toEqual([LEN, VARINT, FIXED64, VARINT, LEN]);
  });

  test('skips fields of other numbers (past the map too), and known numbers on the wire with another wire type', () => {
    const w = Writer.create();
    w.uint32(tag(9, VARINT)).uint64(2 ** 40);
    w.uint32(tag(10, FIXED32)).fixed32(7);
    w.uint32(tag(11, FIXED64)).double(1.5);
    w.uint32(tag(12, LEN)).string('unknown');
    w.uint32(tag(1, VARINT)).uint32(3); // name is a string: not read
    w.uint32(tag(2, LEN)).string('x'); // count is a varint: not read
    w.uint32(tag(2, VARINT)).uint32(8);
    const buf = bytesOf(w);
    const r = new Reader(buf);
    const m = r.message(whole(buf), MAP, empty());
    expect(m.name).toBe(ABSENT);
    expect(m.count).toBe(8);
    expect(r.pos).toBe(buf.length);
  });

  test('reads only within its range, and a nested message by its own range', () => {
    const inner = bytesOf(Writer.create().uint32(tag(2, VARINT)).uint32(5));
    const w = Writer.create().uint32(tag(2, VARINT)).uint32(1);
    w.uint32(tag(5, LEN)).bytes(inner);
    w.uint32(tag(2, VARINT)).uint32(9);
    const buf = bytesOf(w);
    const r = new Reader(buf);
    const outer = r.message(whole(buf), MAP, empty());
    expect(outer.count).toBe(9);
    expect(r.message(outer.items[0]!, MAP, empty()).count).toBe(5);
    // A field that runs past its message's range is refused, though the body goes on.
    expect(() => r.message({ start: 0, end: 5 }, MAP, empty())).toThrow(/past the end/);
  });
});
