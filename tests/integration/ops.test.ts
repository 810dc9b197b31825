/** Operational routes on every HTTP port, self-metrics, and group commit as /metrics shows it. */
import { makeTraces, protobufRequest } from '../support/spans';
import { post } from '../support/http';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ batchMaxAgeMs: 100 });
});
afterAll(async () => {
  await stopTestServer(server);
});

test.each(['httpUrl', 'uiUrl'] as const)('%s answers /healthz, /readyz and /metrics', async (which) => {
  const base = server[which];
  expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
  expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready' });
  const metrics = await fetch(`${base}/metrics`);
  expect(metrics.headers.get('content-type')).toContain('text/plain');
  expect(await metrics.text()).toContain('# TYPE hindsight_spans_accepted_total counter');
});

test('concurrent requests share inserts (group commit) and are counted', async () => {
  const requests = Array.from({ length: 20 }, () => makeTraces().spans);
  const responses = await Promise.all(requests.map((spans) => post(`${server.httpUrl}/v1/traces`, protobufRequest(spans), { 'Content-Type': 'application/x-protobuf' })));
  expect(responses.every((r) => r.status === 200)).toBe(true);
  const text = await (await fetch(`${server.uiUrl}/metrics`)).text();
  const value = (pattern: RegExp): number => Number(text.match(pattern)?.[1] ?? NaN);
  const spans = requests.reduce((n, s) => n + s.length, 0);
  expect(value(/^hindsight_spans_accepted_total\{transport="http"\} (\d+)$/m)).toBe(spans);
  expect(value(/^hindsight_insert_batch_spans_sum (\d+)$/m)).toBe(spans);
  // 20 requests arriving within one 100 ms batch window: far fewer inserts than requests.
  expect(value(/^hindsight_insert_batch_spans_count (\d+)$/m)).toBeLessThan(10);
  expect(value(/^hindsight_export_requests_total\{transport="http",status="200"\} (\d+)$/m)).toBe(20);
});
