/**
 * The SQL endpoint streams: a result that never ends still starts at once, an
 * abandoned request frees its reader, and requests beyond the readers wait
 * their turn, up to a bound, then get 429.
 */
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

let server: TestServer;
const ENDLESS = 'SELECT number, toString(number) AS s FROM system.numbers';

beforeAll(async () => {
  // One reader, so that every query below has to wait for the ones before it.
  server = await startTestServer({ sqlMaxRows: 1e12, sqlMaxExecutionSeconds: 60, sqlMaxConcurrent: 1 });
});
afterAll(async () => {
  await stopTestServer(server);
});

function post(query: string, format: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${server.uiUrl}/api/v1/sql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query, format }), ...(signal ? { signal } : {}) });
}

async function readBytes(response: Response, atLeast: number): Promise<string> {
  const reader = response.body!.getReader();
  const parts: Buffer[] = [];
  let size = 0;
  while (size < atLeast) {
    const { value, done } = await reader.read();
    if (done) break;
    parts.push(Buffer.from(value));
    size += value.length;
  }
  reader.releaseLock();
  return Buffer.concat(parts).toString('utf8');
}

test('an endless result starts streaming, and giving up on it frees the reader', async () => {
  const abandon = new AbortController();
  const response = await post(ENDLESS, 'csv', abandon.signal);
  expect(response.status).toBe(200);
  // 20 MB of an infinite result: nothing could have materialized it first.
  const text = await readBytes(response, 20 * 1024 * 1024);
  expect(text.startsWith('"number","s"\n0,"0"\n1,"1"\n')).toBe(true);
  abandon.abort();
  const next = await post('SELECT 42 AS answer', 'csv');
  expect(await next.text()).toBe('"answer"\n42\n');
});

test('JSON streams too, with its column names and types first', async () => {
  const abandon = new AbortController();
  const response = await post(ENDLESS, 'json', abandon.signal);
  expect(response.status).toBe(200);
  const text = await readBytes(response, 1024 * 1024);
  abandon.abort();
  expect(text.startsWith('{"meta":[{"name":"number","type":"UInt64"},{"name":"s","type":"String"}],\n"data":[\n{"number":0,"s":"0"},\n{"number":1,"s":"1"},\n')).toBe(true);
  expect((await post('SELECT 1 AS one', 'json')).status).toBe(200);
});

test('a JSON result is one document with every row', async () => {
  const body = (await (await post("SELECT number AS n, 'a\\nb' AS s FROM numbers(150000)", 'json')).json()) as { meta: unknown; data: { n: number; s: string }[]; rows: number };
  expect(body.meta).toEqual([
    { name: 'n', type: 'UInt64' },
    { name: 's', type: 'String' },
  ]);
  expect(body.rows).toBe(150_000);
  expect(body.data[149_999]).toEqual({ n: 149_999, s: 'a\nb' });
  expect(body.data.every((row, i) => row.n === i)).toBe(true);
});

test('a shutdown breaks off a stream under way', async () => {
  const other = await startTestServer({ sqlMaxRows: 1e12, sqlMaxExecutionSeconds: 60 });
  const response = await fetch(`${other.uiUrl}/api/v1/sql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query: ENDLESS, format: 'csv' }) });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  await reader.read();
  await stopTestServer(other);
  await expect(
    (async () => {
      for (;;) if ((await reader.read()).done) return 'ended';
    })(),
  ).rejects.toThrow();
});

test('a finished result is complete and ends', async () => {
  const response = await post('SELECT number FROM numbers(200000)', 'tsv');
  const lines = (await response.text()).trimEnd().split('\n');
  expect(lines.length).toBe(200_001);
  expect(lines[200_000]).toBe('199999');
});

test('requests beyond the readers wait in turn; past the bound they get 429 with Retry-After', async () => {
  const holder = new AbortController();
  const held = await post(ENDLESS, 'csv', holder.signal);
  expect(held.status).toBe(200);
  // One reader may have 8 waiting: of 10 more requests, 2 are answered at once, with 429.
  const answered: { i: number; response: Response }[] = [];
  const all = Array.from({ length: 10 }, (_, i) => post(`SELECT ${i} AS i`, 'csv').then((response) => void answered.push({ i, response })));
  while (answered.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
  const refused = [...answered];
  for (const { response } of refused) {
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('HS_SQL_BUSY');
  }
  holder.abort();
  await Promise.all(all);
  const served = answered.filter((a) => !refused.includes(a));
  expect(served).toHaveLength(8);
  for (const { i, response } of served) expect(await response.text()).toBe(`"i"\n${i}\n`);
});

test('an empty result still has its header, and JSON its envelope', async () => {
  expect(await (await post('SELECT number AS n FROM numbers(10) WHERE n > 100', 'csv')).text()).toBe('"n"\n');
  expect(await (await post('SELECT number AS n FROM numbers(10) WHERE n > 100', 'tsv')).text()).toBe('n\n');
  const body = (await (await post('SELECT number AS n FROM numbers(10) WHERE n > 100', 'json')).json()) as { meta: unknown; data: unknown[]; rows: number };
  expect(body).toMatchObject({ meta: [{ name: 'n', type: 'UInt64' }], data: [], rows: 0 });
});
