/**
 * Requests the viewer's port cannot route or decode get a 4xx naming what is wrong,
 * never a 500 and never Express's stack trace with the server's absolute paths.
 */
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ uiToken: 'viewer-secret' });
});
afterAll(async () => {
  await stopTestServer(server);
});

const AUTH = { Authorization: 'Bearer viewer-secret' };

function noInternals(text: string): void {
  expect(text).not.toMatch(/\bat [\w.<>]+ \(|node_modules|\/work\/|\.ts:\d+|\.js:\d+/);
  expect(text).not.toContain(process.cwd());
}

test.each([
  ['an app page', '/service/%E0%A4%A', {}],
  ['an app page, with a credential', '/service/%E0%A4%A', AUTH],
  ['a native API path parameter', '/api/v1/services/%ff%fe/operations', AUTH],
  ['a native API metrics path', '/api/v1/services/%E0%A4%A/metrics', AUTH],
  ['a Jaeger API path parameter', '/api/services/%ff%fe/operations', AUTH],
  ['a trace id', '/api/v1/traces/%zz', AUTH],
])('%s with a broken escape (%s) is a 400 without internals', async (_what, path, headers) => {
  const response = await fetch(`${server.uiUrl}${path}`, { headers });
  const text = await response.text();
  expect(response.status).toBe(400);
  noInternals(text);
  expect(text).toMatch(/percent-encoding|HS_BAD_PARAMETER/);
});

test.each([
  ['malformed JSON', '{"query":', 400, 'HS_BAD_PARAMETER'],
  ['a body over the limit', JSON.stringify({ query: `SELECT '${'x'.repeat(300_000)}'` }), 413, 'HS_BODY_TOO_LARGE'],
])('the SQL endpoint answers %s with its code', async (_what, body, status, code) => {
  const response = await fetch(`${server.uiUrl}/api/v1/sql`, { method: 'POST', body, headers: { ...AUTH, 'Content-Type': 'application/json' } });
  const text = await response.text();
  expect(response.status).toBe(status);
  expect((JSON.parse(text) as { error: { code: string } }).error.code).toBe(code);
  noInternals(text);
});

test('an unauthenticated API request with a broken escape is refused first', async () => {
  const response = await fetch(`${server.uiUrl}/api/v1/services/%ff%fe/operations`);
  expect(response.status).toBe(401);
  noInternals(await response.text());
});
