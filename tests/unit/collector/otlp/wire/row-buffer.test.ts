import { RowBuffer } from '../../../../../collector/otlp/wire/row-buffer';

test('each writer appends its bytes', () => {
  const out = new RowBuffer(64);
  out.byte(0x5b);
  out.ascii('1,"a"');
  out.utf8(',"é😀"');
  out.bytes(Buffer.from('xx,yy,zz'), 2, 6);
  expect(out.result().toString('utf8')).toBe('[1,"a","é😀",yy,');
  expect(out.pos).toBe(out.result().length);
});

test('grows past its first size by doubling, keeping what was written', () => {
  const out = new RowBuffer(4);
  const long = Buffer.from('x'.repeat(100) + 'y'.repeat(1000));
  out.ascii('abc');
  out.bytes(long); // more than 64 bytes: copied in one go
  out.bytes(long, 0, 10); // a few: copied byte by byte
  out.utf8('ü'.repeat(300));
  const expected = 'abc' + long.toString() + long.toString('utf8', 0, 10) + 'ü'.repeat(300);
  expect(out.result().toString('utf8')).toBe(expected);
  expect(out.buf.length).toBeGreaterThanOrEqual(Buffer.byteLength(expected));
  expect(Math.log2(out.buf.length) % 1).toBe(0);
});

test('setting pos back drops what was written since (a rejected span)', () => {
  const out = new RowBuffer(8);
  out.ascii('kept\n');
  const mark = out.pos;
  out.ascii('a rejected row that grows the buffer\n');
  out.pos = mark;
  out.ascii('next\n');
  expect(out.result().toString()).toBe('kept\nnext\n');
});
