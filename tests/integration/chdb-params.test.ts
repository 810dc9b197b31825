/**
 * Query parameters on embedded chDB (storage/chdb-params.ts) and the query API's
 * connection pool (storage/chdb-pool.ts), against the real engine: every value
 * type reads back exactly, hostile text stays a value, concurrent statements on
 * several connections each read their own parameters, and a long parameterized
 * statement holds up neither another connection's nor another pool member's.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { createClient } from '@clickhouse/client';
import { embeddedConnection } from '../../storage/store';
import { ChdbPool } from '../../storage/chdb-pool';
import { testDataDir } from '../support/server';

type ClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];

let a: ClickHouseClient;
let b: ClickHouseClient;
let pool: ClickHouseClient;

beforeAll(() => {
  a = embeddedConnection(testDataDir()).client;
  b = embeddedConnection(testDataDir()).client;
  const members = [embeddedConnection(testDataDir()).connection, embeddedConnection(testDataDir()).connection];
  pool = createClient({ connection: new ChdbPool(members) as unknown as ClientConnection });
});
afterAll(async () => {
  await Promise.all([a.close(), b.close(), pool.close()]);
});

async function one<T>(client: ClickHouseClient, query: string, params: Record<string, unknown>): Promise<T> {
  const [row] = await (await client.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();
  return row!;
}

const HOSTILE = ["it's", 'back\\slash', "\\'; DROP TABLE x; --", "'); SELECT 1; --", 'tab\there\nnewline\r\n', 'nul\0byte', '\\N', '{v:String}', 'ünïcødé 日本 🚀', '', '\\\\\\', "''''"];

test.each(HOSTILE)('a String parameter reads back as it was: %j', async (value) => {
  expect(await one<{ v: string; n: string }>(a, 'SELECT {v:String} AS v, length({v:String}) AS n', { v: value })).toEqual({ v: value, n: Buffer.byteLength(value) });
});

test('an Array(String) of hostile text reads back element by element', async () => {
  expect((await one<{ v: string[] }>(a, 'SELECT {v:Array(String)} AS v', { v: HOSTILE })).v).toEqual(HOSTILE);
});

test('numbers read back in each declared type', async () => {
  const row = await one<Record<string, unknown>>(
    a,
    'SELECT {u32:UInt32} AS u32, toString({u64:UInt64}) AS u64, toString({i64:Int64}) AS i64, {f:Float64} AS f, {fs:Array(Float64)} AS fs, isNaN({nan:Float64}) AS nan',
    { u32: 4_000_000_000, u64: '18446744073709551615', i64: '-9223372036854775808', f: -1.5e-300, fs: [0.1, -2, 3e10], nan: NaN },
  );
  expect(row).toEqual({ u32: 4_000_000_000, u64: '18446744073709551615', i64: '-9223372036854775808', f: -1.5e-300, fs: [0.1, -2, 3e10], nan: 1 });
});

test('a value that does not fit its type is the engine refusing the parameter, as when bound', async () => {
  await expect(one(a, 'SELECT {v:UInt32} AS v', { v: 'seven' })).rejects.toThrow(/query parameter 'v'/);
});

test('concurrent statements over two connections each read their own parameters', async () => {
  const runs = Array.from({ length: 200 }, (_, i) =>
    one<{ v: number; s: string }>(i % 2 === 0 ? a : b, 'SELECT {v:UInt32} AS v, toString(sum(number)) AS s FROM numbers({n:UInt64})', { v: i, n: (i % 7) * 50_000 }),
  );
  const rows = await Promise.all(runs);
  expect(rows.map((r) => r.v)).toEqual(Array.from({ length: 200 }, (_, i) => i));
});

/** Which of two statements finished first, when the second starts once the first is under way. */
async function firstToFinish(long: () => Promise<unknown>, short: () => Promise<unknown>): Promise<string[]> {
  const order: string[] = [];
  const running = long().then(() => order.push('long'));
  await new Promise((resolve) => setTimeout(resolve, 200));
  await short().then(() => order.push('short'));
  await running;
  return order;
}

// sleepEachRow: about 2 s, in one block, so the statement holds its connection that long.
const LONG = 'SELECT sum(sleepEachRow({s:Float64})) AS v FROM numbers(20) SETTINGS max_block_size = 20';

test("a long parameterized statement holds up no other connection's parameterized statements", async () => {
  const order = await firstToFinish(
    () => one(a, LONG, { s: 0.1 }),
    () => one(b, 'SELECT {v:String} AS v', { v: 'quick' }),
  );
  expect(order).toEqual(['short', 'long']);
});

test('the pool runs a statement beside a long one, and queues beyond its size', async () => {
  const order = await firstToFinish(
    () => one(pool, LONG, { s: 0.1 }),
    () => one(pool, 'SELECT {v:String} AS v', { v: 'quick' }),
  );
  expect(order).toEqual(['short', 'long']);
  const many = await Promise.all(Array.from({ length: 20 }, (_, i) => one<{ v: number }>(pool, 'SELECT {v:UInt32} AS v', { v: i })));
  expect(many.map((r) => r.v)).toEqual(Array.from({ length: 20 }, (_, i) => i));
});
