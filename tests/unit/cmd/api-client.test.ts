/**
 * The API client's request and error handling against a bare HTTP server that
 * records what it is asked and answers what a proxy or a broken server might.
 * (tests/integration/cli-api-client.test.ts runs it against a real Hindsight.)
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient, ApiRequestError } from '../../../cmd/api-client';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

let server: http.Server;
let base: string;
let seen: Seen[] = [];
let answer: { status: number; type: string; body: string } = { status: 200, type: 'application/json', body: '{}' };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body });
      res.writeHead(answer.status, { 'Content-Type': answer.type }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
  answer = { status: 200, type: 'application/json', body: '{"services":[],"traces":[],"limit":20}' };
});

const api = (): ApiClient => new ApiClient(`${base}/`, { Authorization: 'Bearer t' });

test('every request carries the credential, to the base URL without its trailing slash', async () => {
  await api().services({ lookback: '2h' });
  expect(seen).toEqual([{ method: 'GET', url: '/api/v1/services?lookback=2h', authorization: 'Bearer t', body: '' }]);
});

test('search parameters: set values only, attributes repeated, text encoded', async () => {
  await api().searchTraces({ service: 'a b', operation: '', attr: ['k=v', 'x~=1&2'], status: 'error', sort: 'slowest', limit: '5', lookback: undefined });
  expect(seen[0]!.url).toBe('/api/v1/traces?service=a+b&attr=k%3Dv&attr=x%7E%3D1%262&status=error&sort=slowest&limit=5');
});

test('trace ids are path-encoded for every trace route', async () => {
  const client = api();
  await client.trace('a/b');
  await client.otlpTrace('a/b');
  await client.jaegerTrace('a/b');
  expect(seen.map((s) => s.url)).toEqual(['/api/v1/traces/a%2Fb', '/api/v1/traces/a%2Fb/otlp', '/api/traces/a%2Fb']);
});

test('sql posts the query and answers the body as text', async () => {
  answer = { status: 200, type: 'text/csv', body: '"n"\n1\n' };
  expect(await api().sql('SELECT 1 AS n', 'csv')).toBe('"n"\n1\n');
  expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/v1/sql', authorization: 'Bearer t' });
  expect(JSON.parse(seen[0]!.body)).toEqual({ query: 'SELECT 1 AS n', format: 'csv' });
});

test.each([
  [
    'a native error',
    400,
    '{"error":{"code":"HS_BAD_PARAMETER","message":"limit: too big","parameter":"limit"}}',
    { status: 400, code: 'HS_BAD_PARAMETER', message: 'limit: too big', parameter: 'limit' },
  ],
  ['a SQL error', 400, '{"error":{"code":"HS_SQL_FAILED","message":"Unknown identifier","clickhouseCode":"47"}}', { code: 'HS_SQL_FAILED', message: 'Unknown identifier', clickhouseCode: '47' }],
  ['a Jaeger error', 404, '{"data":null,"errors":[{"code":404,"msg":"trace not found"}]}', { status: 404, code: 'HTTP_ERROR', message: 'trace not found' }],
  ['a proxy page', 502, '<html>bad gateway</html>', { status: 502, code: 'HTTP_ERROR', message: '502 Bad Gateway' }],
  ['an empty body', 503, '', { status: 503, code: 'HTTP_ERROR', message: '503 Service Unavailable' }],
  ['JSON without an error', 500, 'null', { status: 500, code: 'HTTP_ERROR', message: '500 Internal Server Error' }],
])('%s becomes an ApiRequestError', async (_what, status, body, expected) => {
  answer = { status, type: body.startsWith('<') ? 'text/html' : 'application/json', body };
  const err: unknown = await api()
    .services()
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(ApiRequestError);
  expect(err).toMatchObject(expected);
});
