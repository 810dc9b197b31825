import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeConfig } from '../../common/config';
import { ColumnBuffer, nativeBlock, type NativeColumn } from '../../storage/native';
import { openStore, type Store } from '../../storage/store';
import { testDataDir } from '../support/server';

/**
 * Blocks written here are read back by the real engine (chDB's file() over the
 * Native format), so a layout mistake shows up as ClickHouse's own parse error.
 */
let store: Store;
let dir: string;

beforeAll(() => {
  store = openStore(makeConfig({ dataDir: testDataDir() }));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-native-'));
});

afterAll(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

let files = 0;

async function readBack(blocks: Buffer[], select: string): Promise<unknown[]> {
  const file = path.join(dir, `b${files++}.native`);
  fs.writeFileSync(file, Buffer.concat(blocks));
  const result = await store.client.query({ query: `SELECT ${select} FROM file('${file}', Native)`, format: 'JSONCompactEachRow' });
  return result.json<unknown[]>();
}

function column(name: string, type: string, ...parts: ColumnBuffer[]): NativeColumn {
  return { name, type, parts };
}

test('numbers, strings of every length and bytes the engine must keep as they are', async () => {
  const n = new ColumnBuffer(8);
  const s = new ColumnBuffer(8);
  const values = ['', 'a', 'x'.repeat(127), 'y'.repeat(128), 'z'.repeat(70_000), 'a\n\nb', 'ünï\u0000cødé'];
  values.forEach((v, i) => {
    n.uint64(i === 1 ? 2 ** 53 - 1 : i);
    s.text(v);
  });
  const rows = await readBack([nativeBlock(values.length, [column('n', 'UInt64', n), column('s', 'String', s)])], 'toString(n), length(s), s');
  expect(rows.map((r) => (r as unknown[])[0])).toEqual(['0', String(2 ** 53 - 1), '2', '3', '4', '5', '6']);
  expect(rows.map((r) => (r as unknown[])[1])).toEqual(values.map((v) => Buffer.byteLength(v)));
  expect(rows[5]).toEqual(['5', 4, 'a\n\nb']);
  expect(rows[6]).toEqual(['6', Buffer.byteLength(values[6]!), values[6]]);
});

test('Int64 from its 32-bit halves, as DateTime64(9)', async () => {
  const t = new ColumnBuffer();
  const ns = 1_764_633_600_123_456_789n;
  t.bigint64(ns);
  const rows = await readBack([nativeBlock(1, [column('t', 'DateTime64(9)', t)])], "toString(toUnixTimestamp64Nano(t)), toString(t, 'UTC')");
  expect(rows).toEqual([[ns.toString(), '2025-12-02 00:00:00.123456789']]);
});

test('Map and Array(Map) columns: offsets, then keys, then values; several blocks in one stream', async () => {
  const block = (maps: Record<string, string>[][]): Buffer => {
    const outer = new ColumnBuffer();
    const inner = new ColumnBuffer();
    const keys = new ColumnBuffer();
    const values = new ColumnBuffer();
    let entries = 0;
    let elements = 0;
    for (const row of maps) {
      for (const map of row) {
        for (const [k, v] of Object.entries(map)) {
          keys.text(k);
          values.text(v);
          entries++;
        }
        inner.uint64(entries);
      }
      elements += row.length;
      outer.uint64(elements);
    }
    return nativeBlock(maps.length, [column('m', 'Array(Map(String, String))', outer, inner, keys, values)]);
  };
  const first: Record<string, string>[][] = [[{ a: '1', b: '2' }, {}], []];
  const second = [[{ '': '', 'k\u0000': 'v\n\n' }]];
  const rows = await readBack([block(first), block(second)], 'm');
  expect(rows).toEqual([[[{ a: '1', b: '2' }, {}]], [[]], [[{ '': '', 'k\u0000': 'v\n\n' }]]]);
});

test('truncate takes back a half-written value', () => {
  const c = new ColumnBuffer(2);
  c.text('keep');
  const mark = c.length;
  c.text('drop me');
  c.truncate(mark);
  expect(c.bytes()).toEqual(Buffer.from([4, ...Buffer.from('keep')]));
});

test('hex writes ids as the lowercase hex text they are stored as', () => {
  const c = new ColumnBuffer(1);
  c.hex(Buffer.from([0x00, 0xab, 0x0f, 0xf0]), 1, 4);
  expect(c.bytes()).toEqual(Buffer.from([6, ...Buffer.from('ab0ff0')]));
});
