/** RED metrics of a service and of one operation, from SDK spans with known durations and errors. */
import type { RedResponse } from '../../viewer/api/types';
import { makeSimpleTrace, protobufRequest } from '../support/spans';
import { post } from '../support/http';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

let server: TestServer;
// Two whole ten-minute stretches, 20 and 10 minutes ago, aligned to the minute.
const base = Math.floor(Date.now() / 60_000) * 60_000 - 20 * 60_000;

beforeAll(async () => {
  server = await startTestServer({ dependencyIntervalMs: 0 });
  const spans = [
    // Minute 0: ten calls of 10..100 ms to GET /a, one failing.
    ...Array.from({ length: 10 }, (_, i) => makeSimpleTrace({ service: 'shop', name: 'GET /a', startMs: base + i * 1000, durationMs: (i + 1) * 10, error: i === 9 })).flat(),
    // Minute 10: four calls of 1 s to GET /b.
    ...Array.from({ length: 4 }, (_, i) => makeSimpleTrace({ service: 'shop', name: 'GET /b', startMs: base + 10 * 60_000 + i * 1000, durationMs: 1000 })).flat(),
  ];
  expect((await post(`${server.httpUrl}/v1/traces`, protobufRequest(spans), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
});
afterAll(async () => {
  await stopTestServer(server);
});

async function red(query: string): Promise<RedResponse> {
  const response = await fetch(`${server.uiUrl}/api/v1/services/shop/metrics?${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as RedResponse;
}

test('a series of rate, errors and percentiles per automatic bucket (percentiles within 9%: read from a log histogram of 8 buckets per doubling)', async () => {
  const body = await red(`start=${base}&end=${base + 20 * 60_000}`);
  expect(body.bucketSeconds).toBe(30);
  expect(body.series.map((p) => [p.t, p.calls, p.errors])).toEqual([
    [base / 1000, 10, 1],
    [base / 1000 + 600, 4, 0],
  ]);
  const first = body.series[0]!;
  expect(first.rate).toBeCloseTo(10 / 30);
  expect(first.errorRate).toBeCloseTo(0.1);
  expect(first.p50Ns / 1e6).toBeGreaterThanOrEqual(50);
  expect(first.p50Ns / 1e6).toBeLessThanOrEqual(60);
  expect(first.p99Ns / 1e6).toBeGreaterThan(90);
  expect(Math.abs(body.series[1]!.p95Ns / 1e9 - 1)).toBeLessThan(0.09);
});

test('one operation, and a log-scale latency histogram', async () => {
  const body = await red(`start=${base}&end=${base + 20 * 60_000}&operation=GET%20/b`);
  expect(body.operation).toBe('GET /b');
  expect(body.series.map((p) => p.calls)).toEqual([4]);
  expect(body.histogram).toEqual([{ leNs: 2 ** 30, count: 4 }]);
  const all = await red(`start=${base}&end=${base + 20 * 60_000}`);
  expect(all.histogram.reduce((n, h) => n + h.count, 0)).toBe(14);
});
