/**
 * "Why are these slow?" on traces with a known cause, sent by the real OpenTelemetry exporter:
 * the cause must come out first. One service's traces are slow because of an attribute value
 * (region = eu-west), another's because of one downstream span (recommendations fetch). The
 * traces are seeded (tests/support/slow-traces.ts), so a failure replays.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ApiError, ExplainResponse, TraceSearchResponse } from '../../viewer/api/types';
import { makeSlowTraces } from '../support/slow-traces';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

let server: TestServer;
const TRACES = 400;

async function send(spans: ReadableSpan[]): Promise<void> {
  const exporter = new OTLPTraceExporter({ url: `${server.httpUrl}/v1/traces` });
  for (let i = 0; i < spans.length; i += 1000) {
    await new Promise<void>((resolve, reject) => exporter.export(spans.slice(i, i + 1000), (r) => (r.code === 0 ? resolve() : reject(r.error))));
  }
  await exporter.shutdown();
}

beforeAll(async () => {
  server = await startTestServer();
  const startMs = Date.now() - 2 * 3_600_000;
  await send(makeSlowTraces({ seed: 17, traces: TRACES, cause: 'region', service: 'shop-region', startMs }));
  await send(makeSlowTraces({ seed: 42, traces: TRACES, cause: 'span', service: 'shop-span', startMs }));
});
afterAll(async () => {
  await stopTestServer(server);
});

async function get<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server.uiUrl}${path}`);
  return { status: response.status, body: (await response.json()) as T };
}

const explain = async (query: string): Promise<ExplainResponse> => {
  const { status, body } = await get<ExplainResponse & ApiError>(`/api/v1/explain?lookback=3h&${query}`);
  expect(status).toBe(200);
  return body;
};

test('slow because of an attribute value: region=eu-west comes first, with its share in both groups', async () => {
  const answer = await explain('service=shop-region&operation=GET%20%2Fcheckout');
  expect(answer.thresholdSource).toBe('p95');
  expect(answer.traces.matching).toBe(TRACES);
  // The slowest 5%, whatever the ties at the cut.
  expect(answer.traces.slow).toBeGreaterThanOrEqual(TRACES * 0.05);
  expect(answer.traces.slow).toBeLessThan(TRACES * 0.07);
  expect(answer.sampled).toEqual({ slow: answer.traces.slow, baseline: answer.traces.baseline });
  const [first] = answer.attributes;
  expect(first).toMatchObject({ scope: 'span', key: 'region', value: 'eu-west', onMatchingSpan: true });
  expect(first!.slow.share).toBe(1);
  expect(first!.baseline.share).toBeLessThan(0.1);
  expect(first!.score).toBeGreaterThan(0.9);
  // The root's own time grew: its path leads the paths.
  expect(answer.paths[0]!.path).toEqual([{ service: 'shop-region', operation: 'GET /checkout' }]);
  expect(answer.histogram.reduce((n, b) => n + b.count, 0)).toBe(TRACES);
  expect(answer.warnings).toEqual([]);
});

test('slow because of one downstream span: its path comes first', async () => {
  const answer = await explain('service=shop-span&operation=GET%20%2Fcheckout');
  const [first] = answer.paths;
  expect(first!.path).toEqual([
    { service: 'shop-span', operation: 'GET /checkout' },
    { service: 'recommendations', operation: 'recommendations fetch' },
  ]);
  expect(first!.slow.share).toBe(1);
  expect(first!.slowAvgSelfNs).toBeGreaterThan(300e6);
  expect(first!.growthNs).toBeGreaterThan(250e6);
  // The downstream service's own resource value is what the slow traces carry, on a span other than the matching one.
  expect(answer.attributes[0]).toMatchObject({ scope: 'resource', key: 'service.name', value: 'recommendations', onMatchingSpan: false });
});

test('a given threshold splits there, in ns or as a duration', async () => {
  const asDuration = await explain('service=shop-region&operation=GET%20%2Fcheckout&threshold=250ms');
  const asNs = await explain('service=shop-region&operation=GET%20%2Fcheckout&threshold=250000000');
  expect(asDuration.thresholdSource).toBe('given');
  expect(asDuration.thresholdNs).toBe('250000000');
  expect(asNs).toEqual(asDuration);
  // Every eu-west trace is over 250 ms, and nothing else is.
  expect(asDuration.attributes[0]).toMatchObject({ key: 'region', value: 'eu-west' });
  expect(asDuration.attributes[0]!.slow.share).toBe(1);
  expect(asDuration.attributes[0]!.baseline.traces).toBe(0);
});

test("the attribute's search link finds the slow traces that carry it", async () => {
  const answer = await explain('service=shop-region&operation=GET%20%2Fcheckout');
  const params = new URLSearchParams({ service: 'shop-region', operation: 'GET /checkout', attr: 'region=eu-west', minDuration: `${answer.thresholdNs}ns`, lookback: '3h', limit: '1000' });
  const { body } = await get<TraceSearchResponse>(`/api/v1/traces?${params}`);
  expect(body.traces).toHaveLength(answer.traces.slow);
  expect(body.traces.every((t) => BigInt(t.durationNs) >= BigInt(answer.thresholdNs))).toBe(true);
});

test('a search without matches answers empty lists and says why', async () => {
  const answer = await explain('service=nobody');
  expect(answer).toMatchObject({ traces: { matching: 0, slow: 0, baseline: 0 }, attributes: [], paths: [], histogram: [], warnings: ['No trace matches the search in this range.'] });
});

test('filters narrow the traces, as in search', async () => {
  const answer = await explain('service=shop-region&operation=GET%20%2Fcheckout&attr=region%3Dus-east');
  expect(answer.traces.matching).toBeGreaterThan(0);
  expect(answer.traces.matching).toBeLessThan(TRACES / 4);
});

test.each([
  ['threshold=abc', 'threshold'],
  ['threshold=0', 'threshold'],
  ['threshold=-5ms', 'threshold'],
  ['threshold=1&threshold=2', 'threshold'],
  ['attr=%3Dx', 'attr'],
  ['minDuration=2s&maxDuration=1s', 'minDuration'],
  ['maxDuration=soon', 'maxDuration'],
  ['lookback=forever', 'lookback'],
  ['status=broken', 'status'],
  ['start=2024-01-02T00:00:00Z&end=2024-01-01T00:00:00Z', 'start'],
  ['service=shop-other', 'service'],
])('%s is a 400 naming %s', async (query, parameter) => {
  const { status, body } = await get<ApiError>(`/api/v1/explain?service=shop-region&${query}`);
  expect(status).toBe(400);
  expect(body.error.code).toBe('HS_BAD_PARAMETER');
  expect(body.error.parameter).toBe(parameter);
});

test('the OpenAPI document describes the route', async () => {
  const { body } = await get<{ paths: Record<string, { get: { parameters: { name: string }[] } }> }>('/api/v1/openapi.json');
  expect(body.paths['/api/v1/explain']!.get.parameters.map((p) => p.name)).toEqual(
    expect.arrayContaining(['service', 'operation', 'attr', 'minDuration', 'maxDuration', 'status', 'threshold', 'lookback']),
  );
});
