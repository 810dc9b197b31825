/**
 * The native query API against a real server, with traces sent by the real
 * OpenTelemetry protobuf exporter: every filter, sort, time range and bad parameter.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ApiError, AttributeKeysResponse, OperationsResponse, ServicesResponse, TraceResponse, TraceSearchResponse } from '../../viewer/api/types';
import { makeSimpleTrace, makeTraces } from '../support/spans';
import { post } from '../support/http';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

let server: TestServer;
const now = Date.now();
const traces: Record<string, ReadableSpan[]> = {};

/** The trace of the request's root span (the fixtures' first span may belong to another trace). */
function traceIdOf(spans: ReadableSpan[]): string {
  const roots = spans.filter((s) => s.name.startsWith('GET') || s.name.startsWith('POST /'));
  return (roots[0] ?? spans[0]!).spanContext().traceId;
}

beforeAll(async () => {
  server = await startTestServer();
  traces['fast'] = makeSimpleTrace({ service: 'api', name: 'GET /fast', startMs: now - 10 * 60_000, durationMs: 5, attributes: { 'http.route': '/fast', 'user.id': 'u-1' } });
  traces['slow'] = makeSimpleTrace({ service: 'api', name: 'GET /slow', startMs: now - 8 * 60_000, durationMs: 2000, attributes: { 'http.route': '/slow', 'user.id': 'u-2' }, children: 2 });
  traces['wide'] = makeSimpleTrace({ service: 'api', name: 'GET /wide', startMs: now - 6 * 60_000, durationMs: 50, children: 9, childService: 'db' });
  traces['failing'] = makeSimpleTrace({
    service: 'billing',
    name: 'POST /charge',
    startMs: now - 4 * 60_000,
    durationMs: 300,
    error: true,
    children: 3,
    resource: { 'deployment.environment.name': 'canary' },
  });
  traces['old'] = makeSimpleTrace({ service: 'api', name: 'GET /old', startMs: now - 3 * 3_600_000, durationMs: 10 });
  traces['tree'] = makeTraces().spans;
  const exporter = new OTLPTraceExporter({ url: `${server.httpUrl}/v1/traces` });
  await new Promise<void>((resolve, reject) => exporter.export(Object.values(traces).flat(), (r) => (r.code === 0 ? resolve() : reject(r.error ?? new Error('export failed')))));
  await exporter.shutdown();
});
afterAll(async () => {
  await stopTestServer(server);
});

async function get<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server.uiUrl}${path}`);
  return { status: response.status, body: (await response.json()) as T };
}

async function search(query: string): Promise<string[]> {
  const { status, body } = await get<TraceSearchResponse>(`/api/v1/traces?${query}`);
  expect(status).toBe(200);
  return body.traces.map((t) => t.traceId);
}

const id = (name: string): string => traceIdOf(traces[name]!);

describe('services and operations', () => {
  test('services have span counts and error rates for the range', async () => {
    const { body } = await get<ServicesResponse>('/api/v1/services?lookback=1h');
    const billing = body.services.find((s) => s.name === 'billing');
    expect(billing).toEqual({ name: 'billing', spanCount: 1, errorCount: 1, errorRate: 1 });
    expect(body.services.find((s) => s.name === 'billing-db')).toEqual({ name: 'billing-db', spanCount: 3, errorCount: 1, errorRate: 1 / 3 });
    expect(body.services.map((s) => s.name)).toEqual(expect.arrayContaining(['api', 'db', 'frontend', 'checkout', 'payments']));
    const older = await get<ServicesResponse>(`/api/v1/services?start=${now - 4 * 3_600_000}&end=${now - 2 * 3_600_000}`);
    expect(older.body.services).toEqual([{ name: 'api', spanCount: 1, errorCount: 0, errorRate: 0 }]);
  });

  test('operations of a service carry their span kinds', async () => {
    const { body } = await get<OperationsResponse>('/api/v1/services/payments/operations');
    expect(body.operations).toEqual([
      { name: 'charge card', spanKind: 'Producer', spanCount: 1 },
      { name: 'process charge', spanKind: 'Consumer', spanCount: 1 },
    ]);
  });

  test('attribute keys for autocompletion, span and resource', async () => {
    const { body } = await get<AttributeKeysResponse>('/api/v1/attributes/keys?service=api');
    expect(body.keys).toEqual(
      expect.arrayContaining([
        { key: 'http.route', scope: 'span' },
        { key: 'service.name', scope: 'resource' },
      ]),
    );
    expect(body.keys.some((k) => k.key === 'deployment.environment.name')).toBe(false);
  });
});

describe('trace search', () => {
  test('each result summarizes its whole trace', async () => {
    const { body } = await get<TraceSearchResponse>('/api/v1/traces?service=billing');
    expect(body.traces).toEqual([
      {
        traceId: id('failing'),
        rootService: 'billing',
        rootOperation: 'POST /charge',
        startNs: String(BigInt(now - 4 * 60_000) * 1_000_000n),
        durationNs: String(300 * 1_000_000),
        spanCount: 4,
        errorCount: 2,
        services: [
          { name: 'billing-db', spanCount: 3 },
          { name: 'billing', spanCount: 1 },
        ],
      },
    ]);
    expect(body.limit).toBe(20);
  });

  test.each([
    ['service', 'service=api', ['wide', 'slow', 'fast']],
    ['operation', 'service=api&operation=GET%20/slow', ['slow']],
    ['attribute equals', 'attr=user.id%3Du-2', ['slow']],
    ['attribute differs', 'service=api&attr=user.id!%3Du-2', ['fast']],
    ['attribute contains', 'attr=http.route~%3Dfa', ['fast']],
    ['attribute exists', 'attr=user.id', ['slow', 'fast']],
    ['resource attribute', 'attr=deployment.environment.name%3Dcanary', ['failing']],
    ['two attributes', 'attr=user.id&attr=http.route%3D/fast', ['fast']],
    ['min duration', 'service=api&minDuration=1s', ['slow']],
    ['max duration', 'service=api&maxDuration=10ms', ['fast']],
    ['duration range', 'service=api&minDuration=10ms&maxDuration=1s', ['wide']],
    ['error status', 'status=error', ['tree', 'failing']],
    ['lookback', 'service=api&lookback=7m', ['wide']],
    ['absolute range', `service=api&start=${now - 4 * 3_600_000}&end=${now - 2 * 3_600_000}`, ['old']],
    ['RFC 3339 range', `service=api&start=${new Date(now - 4 * 3_600_000).toISOString()}&end=${new Date(now - 2 * 3_600_000).toISOString()}`, ['old']],
    ['limit', 'service=api&limit=2', ['wide', 'slow']],
  ])('by %s', async (_name, query, expected) => {
    expect(await search(query)).toEqual(expected.map(id));
  });

  test.each([
    ['newest', ['failing', 'wide', 'slow', 'fast']],
    ['slowest', ['slow', 'failing', 'wide', 'fast']],
    ['most_spans', ['wide', 'failing', 'slow', 'fast']],
    ['most_errors', ['failing', 'wide', 'slow', 'fast']],
  ])('sorted by %s', async (sort, expected) => {
    expect(await search(`lookback=30m&attr=service.name!%3Dfrontend&sort=${sort}&attr=service.name!%3Dcheckout&attr=service.name!%3Dpayments`)).toEqual(expected.map(id));
  });
});

describe('trace by id', () => {
  test('returns every span, ready to draw as a tree', async () => {
    const spans = traces['tree']!;
    const traceId = spans.find((s) => s.name === 'GET /checkout')!.spanContext().traceId;
    const { status, body } = await get<TraceResponse>(`/api/v1/traces/${traceId}`);
    expect(status).toBe(200);
    const expected = spans.filter((s) => s.spanContext().traceId === traceId);
    expect(body.spans.map((s) => s.spanId).sort()).toEqual(expected.map((s) => s.spanContext().spanId).sort());
    const root = body.spans.find((s) => s.parentSpanId === '')!;
    expect(root).toMatchObject({ name: 'GET /checkout', service: 'frontend', kind: 'Server', scope: { name: 'frontend-scope', version: '0.9.1' } });
    expect(root.events.map((e) => e.name)).toEqual(['request.received', 'response.sent']);
    expect(root.links[0]!.traceState).toBe('vendor=abc,hs=1');
    expect(root.attributes['hostile']).toContain('<img src=x onerror=alert(1)>');
  });

  test('the critical path of a stored trace tiles its time with self times', async () => {
    const { status, body } = await get<{ traceId: string; segments: { spanId: string; start: string; end: string; selfTime: string }[]; warnings: string[] }>(
      `/api/v1/traces/${id('slow')}/critical-path`,
    );
    expect(status).toBe(200);
    const root = traces['slow']!.find((s) => s.name === 'GET /slow')!.spanContext().spanId;
    expect(body.segments[0]!.spanId).toBe(root);
    expect(body.segments[body.segments.length - 1]!.spanId).toBe(root);
    const total = body.segments.reduce((n, s) => n + BigInt(s.selfTime), 0n);
    expect(total).toBe(2000n * 1_000_000n);
    for (const s of body.segments) expect(BigInt(s.end) - BigInt(s.start)).toBe(BigInt(s.selfTime));
    expect((await get<ApiError>(`/api/v1/traces/${'ef'.repeat(16)}/critical-path`)).status).toBe(404);
  });

  test('the OTLP/JSON download can be sent back to an OTLP receiver', async () => {
    const response = await fetch(`${server.uiUrl}/api/v1/traces/${id('slow')}/otlp`);
    expect(response.headers.get('content-disposition')).toContain(`trace-${id('slow')}.otlp.json`);
    const otlp = (await response.json()) as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] };
    expect(otlp.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))).toHaveLength(3);
    const resent = await post(`${server.httpUrl}/v1/traces`, JSON.stringify(otlp), { 'Content-Type': 'application/json' });
    expect(resent.status).toBe(200);
  });

  test('an unknown trace is a 404; a malformed id a 400', async () => {
    const unknown = await get<ApiError>(`/api/v1/traces/${'ab'.repeat(16)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('HS_NOT_FOUND');
    const bad = await get<ApiError>('/api/v1/traces/not-hex');
    expect(bad.status).toBe(400);
    expect(bad.body.error.parameter).toBe('traceId');
  });
});

describe('bad parameters get a 400 naming the parameter', () => {
  test.each([
    ['limit=0', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=1001', 'limit'],
    ['sort=random', 'sort'],
    ['status=broken', 'status'],
    ['minDuration=fast', 'minDuration'],
    ['minDuration=2s&maxDuration=1s', 'minDuration'],
    ['lookback=forever', 'lookback'],
    ['start=yesterday', 'start'],
    [`start=${now}&end=${now - 1000}`, 'start'],
    [`start=${now - 40 * 86_400_000}&end=${now}`, 'start'],
    ['attr=%3Dvalue', 'attr'],
  ])('%s', async (query, parameter) => {
    const { status, body } = await get<ApiError>(`/api/v1/traces?${query}`);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'HS_BAD_PARAMETER', parameter });
    expect(body.error.message).toContain(parameter);
  });

  test('unknown API paths are a 404 that points at the OpenAPI file', async () => {
    const { status, body } = await get<ApiError>('/api/v1/nothing');
    expect(status).toBe(404);
    expect(body.error.message).toContain('/api/v1/openapi.json');
  });

  test('the OpenAPI file documents every native route', async () => {
    const { body } = await get<{ openapi: string; paths: Record<string, unknown> }>('/api/v1/openapi.json');
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toEqual([
      '/api/v1/server',
      '/api/v1/services',
      '/api/v1/services/{service}/operations',
      '/api/v1/services/{service}/metrics',
      '/api/v1/anomalies',
      '/api/v1/dependencies',
      '/api/v1/attributes/keys',
      '/api/v1/traces',
      '/api/v1/tail',
      '/api/v1/explain',
      '/api/v1/traces/{traceId}',
      '/api/v1/traces/{traceId}/critical-path',
      '/api/v1/traces/{traceId}/outliers',
      '/api/v1/compare',
      '/api/v1/traces/{traceId}/otlp',
    ]);
  });
});
