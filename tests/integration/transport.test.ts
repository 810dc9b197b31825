/**
 * What the viewer's port sends over the wire: API responses and the app's files compressed
 * as the client's Accept-Encoding asks (gzip or brotli), hashed assets cached for a year and
 * index.html never, a streamed SQL result still streaming when compressed, and the OTLP
 * receiver's answers left as exporters expect them. Raw node:http requests, so that the
 * encoding on the wire is what the test sees.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { uiDir } from '../../viewer/api/static';
import { makeSimpleTrace, protobufRequest } from '../support/spans';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

let server: TestServer;
let traceId: string;

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as sent, still encoded. */
  wire: Buffer;
}

function request(url: string, headers: Record<string, string>, method = 'GET', body?: Buffer): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (b: Buffer) => parts.push(b));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, wire: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function decoded(raw: Raw): Buffer {
  switch (raw.headers['content-encoding']) {
    case 'gzip':
      return zlib.gunzipSync(raw.wire);
    case 'br':
      return zlib.brotliDecompressSync(raw.wire);
    case undefined:
      return raw.wire;
    default:
      throw new Error(`unexpected encoding ${raw.headers['content-encoding']}`);
  }
}

beforeAll(async () => {
  server = await startTestServer();
  const spans = makeSimpleTrace({ service: 'wire', name: 'GET /big', children: 400, attributes: { 'http.route': '/big' } });
  traceId = spans[0]!.spanContext().traceId;
  const sent = await request(`${server.httpUrl}/v1/traces`, { 'Content-Type': 'application/x-protobuf' }, 'POST', protobufRequest(spans));
  expect(sent.status).toBe(200);
});

afterAll(async () => {
  await stopTestServer(server);
});

describe('API responses', () => {
  test.each([
    ['gzip', 'gzip'],
    ['br', 'br'],
    ['gzip, deflate, br', 'br'],
  ])('Accept-Encoding: %s gets %s, the same JSON, and Vary: Accept-Encoding', async (accept, encoding) => {
    const url = `${server.uiUrl}/api/v1/traces/${traceId}`;
    const plain = await request(url, { 'Accept-Encoding': 'identity' });
    const packed = await request(url, { 'Accept-Encoding': accept });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(packed.headers['content-encoding']).toBe(encoding);
    expect(packed.headers['vary']).toMatch(/Accept-Encoding/i);
    expect(packed.wire.length).toBeLessThan(plain.wire.length / 5);
    expect(JSON.parse(decoded(packed).toString('utf8'))).toEqual(JSON.parse(plain.wire.toString('utf8')));
    expect((JSON.parse(plain.wire.toString('utf8')) as { spans: unknown[] }).spans).toHaveLength(401);
  });

  test('without Accept-Encoding, and for a small answer, nothing is encoded', async () => {
    const none = await request(`${server.uiUrl}/api/v1/traces/${traceId}`, {});
    expect(none.headers['content-encoding']).toBeUndefined();
    expect((JSON.parse(none.wire.toString('utf8')) as { spans: unknown[] }).spans).toHaveLength(401);
    const small = await request(`${server.uiUrl}/healthz`, { 'Accept-Encoding': 'gzip' });
    expect([small.status, small.headers['content-encoding']]).toEqual([200, undefined]);
  });

  test('an error answer is JSON, compressed or not', async () => {
    const missing = await request(`${server.uiUrl}/api/v1/traces/${'ab'.repeat(16)}`, { 'Accept-Encoding': 'gzip' });
    expect(missing.status).toBe(404);
    expect(JSON.parse(decoded(missing).toString('utf8'))).toEqual({ error: { code: 'HS_NOT_FOUND', message: expect.stringContaining('ab'.repeat(16)) } });
  });
});

describe("the app's files", () => {
  const dir = uiDir();
  if (dir === undefined) throw new Error('the viewer is not built: run `npm run build` first (npm test does)');
  const assets = fs.readdirSync(path.join(dir, 'assets'));
  const entry = assets.find((f) => /^index-[\w-]+\.js$/.test(f));

  test('a hashed asset is compressed and cached for a year, immutable', async () => {
    expect(entry).toBeDefined();
    const raw = await request(`${server.uiUrl}/assets/${entry}`, { 'Accept-Encoding': 'br, gzip' });
    expect(raw.status).toBe(200);
    expect(raw.headers['content-encoding']).toBe('br');
    expect(raw.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(decoded(raw).equals(fs.readFileSync(path.join(dir, 'assets', entry!)))).toBe(true);
    expect(raw.wire.length).toBeLessThan(fs.statSync(path.join(dir, 'assets', entry!)).size / 2);
  });

  test('every built asset name carries a content hash, so a year of caching is safe', () => {
    expect(assets.length).toBeGreaterThan(2);
    for (const name of assets) expect(name).toMatch(/^[\w]+-[\w-]{8}\.(js|css)$/);
  });

  test.each(['/', '/search', '/trace/abc', '/nope'])('index.html at %s is compressed and revalidated every time', async (url) => {
    const raw = await request(`${server.uiUrl}${url}`, { 'Accept-Encoding': 'gzip', Accept: 'text/html' });
    expect(raw.status).toBe(url === '/nope' ? 404 : 200);
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(raw.headers['cache-control']).toBe('no-cache');
    expect(decoded(raw).toString('utf8')).toContain('<div id="app"></div>');
  });
});

describe('the SQL endpoint, compressed', () => {
  /** The response of a POST as it arrives: headers, then the decoded text so far on demand. */
  function stream(query: string, format: string, encoding: string): Promise<{ headers: http.IncomingHttpHeaders; textOnceIncludes: (part: string) => Promise<string>; abort: () => void }> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${server.uiUrl}/api/v1/sql`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Accept-Encoding': encoding } }, (res) => {
        const decoder = encoding === 'br' ? zlib.createBrotliDecompress() : zlib.createGunzip();
        let text = '';
        const waiting: { part: string; resolve: (t: string) => void }[] = [];
        res.pipe(decoder).on('data', (b: Buffer) => {
          text += b.toString('utf8');
          for (const w of waiting.filter((x) => text.includes(x.part))) w.resolve(text);
        });
        resolve({
          headers: res.headers,
          textOnceIncludes: (part) => (text.includes(part) ? Promise.resolve(text) : new Promise((r) => waiting.push({ part, resolve: r }))),
          abort: () => req.destroy(),
        });
      });
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
      req.end(JSON.stringify({ query, format }));
    });
  }

  test.each(['gzip', 'br'])('a result that trickles still streams under %s: its column list arrives before any row does', async (encoding) => {
    // About one row in a billion numbers matches: rows come seconds apart, in blocks of a few bytes.
    const r = await stream('SELECT number FROM system.numbers WHERE cityHash64(number) % 1000000000 = 7', 'json', encoding);
    try {
      expect(r.headers['content-encoding']).toBe(encoding);
      expect(await r.textOnceIncludes('"data":[')).toBe('{"meta":[{"name":"number","type":"UInt64"}],\n"data":[\n');
    } finally {
      r.abort();
    }
    // The abandoned query freed its reader.
    const next = await request(
      `${server.uiUrl}/api/v1/sql`,
      { 'Content-Type': 'application/json', 'Accept-Encoding': 'gzip' },
      'POST',
      Buffer.from(JSON.stringify({ query: 'SELECT 42 AS answer', format: 'csv' })),
    );
    expect(decoded(next).toString('utf8')).toBe('"answer"\n42\n');
  });

  test('a large result comes whole and compressed', async () => {
    const body = Buffer.from(JSON.stringify({ query: "SELECT number AS n, 'padding padding' AS s FROM numbers(100000)", format: 'csv' }));
    const raw = await request(`${server.uiUrl}/api/v1/sql`, { 'Content-Type': 'application/json', 'Accept-Encoding': 'gzip' }, 'POST', body);
    expect(raw.headers['content-encoding']).toBe('gzip');
    const lines = decoded(raw).toString('utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(100_001);
    expect(lines[100_000]).toBe('99999,"padding padding"');
    expect(raw.wire.length).toBeLessThan(Buffer.byteLength(lines.join('\n')) / 5);
  });
});

test('the OTLP receiver answers exporters uncompressed, whatever they accept', async () => {
  const spans = makeSimpleTrace({ service: 'wire', name: 'GET /again', children: 50 });
  const sent = await request(`${server.httpUrl}/v1/traces`, { 'Content-Type': 'application/x-protobuf', 'Accept-Encoding': 'gzip, br' }, 'POST', protobufRequest(spans));
  expect(sent.status).toBe(200);
  expect(sent.headers['content-encoding']).toBeUndefined();
});
