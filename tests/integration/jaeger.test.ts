/**
 * The Jaeger-compatible query API, checked field by field against the Jaeger UI
 * JSON model, with traces sent by the real OpenTelemetry exporter.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { JaegerResponse, JaegerTrace } from '../../viewer/api/jaeger';
import type { TraceSearchResponse } from '../../viewer/api/types';
import { clientRequest, form } from '../support/client-requests';
import { makeSimpleTrace, makeTraces } from '../support/spans';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

let server: TestServer;
let tree: ReadableSpan[];
let slow: ReadableSpan[];
let treeId: string;
/** More traces of one service than the old default limit of 20. */
let bulk: ReadableSpan[];
const now = Date.now();

beforeAll(async () => {
  server = await startTestServer();
  tree = makeTraces().spans;
  treeId = tree.find((s) => s.name === 'GET /checkout')!.spanContext().traceId;
  slow = makeSimpleTrace({ service: 'api', name: 'GET /slow', startMs: now - 120_000, durationMs: 1500, attributes: { 'http.route': '/slow' }, children: 1 });
  bulk = Array.from({ length: 25 }, (_, i) => makeSimpleTrace({ service: 'bulk', name: 'GET /bulk', startMs: now - 300_000 + i * 1000 })).flat();
  const exporter = new OTLPTraceExporter({ url: `${server.httpUrl}/v1/traces` });
  await new Promise<void>((resolve, reject) => exporter.export([...tree, ...slow, ...bulk], (r) => (r.code === 0 ? resolve() : reject(r.error))));
  await exporter.shutdown();
});
afterAll(async () => {
  await stopTestServer(server);
});

async function get<T>(path: string): Promise<{ status: number; body: JaegerResponse<T> }> {
  const response = await fetch(`${server.uiUrl}${path}`);
  return { status: response.status, body: (await response.json()) as JaegerResponse<T> };
}

const micros = (t: [number, number]): number => t[0] * 1_000_000 + Math.floor(t[1] / 1000);

test('/api/services lists service names in the Jaeger envelope', async () => {
  const { body } = await get<string[]>('/api/services');
  expect(body).toEqual({ data: expect.arrayContaining(['frontend', 'checkout', 'payments', 'api', 'api-db', 'bulk']), total: 6, limit: 0, offset: 0, errors: null });
});

test('/api/services/{service}/operations lists operation names', async () => {
  const { body } = await get<string[]>('/api/services/payments/operations');
  expect(body.data).toEqual(['charge card', 'process charge']);
});

test('/api/operations gives span kinds in lower case, filterable', async () => {
  expect((await get<unknown>('/api/operations?service=payments')).body.data).toEqual([
    { name: 'charge card', spanKind: 'producer' },
    { name: 'process charge', spanKind: 'consumer' },
  ]);
  expect((await get<unknown>('/api/operations?service=payments&spanKind=consumer')).body.data).toEqual([{ name: 'process charge', spanKind: 'consumer' }]);
  expect((await get<unknown>('/api/operations')).status).toBe(400);
});

test('/api/traces/{id} follows the Jaeger model field by field', async () => {
  const { status, body } = await get<JaegerTrace[]>(`/api/traces/${treeId}`);
  expect(status).toBe(200);
  expect(body.data).toHaveLength(1);
  const trace = body.data[0]!;
  expect(trace.traceID).toBe(treeId);
  expect(trace.warnings).toBeNull();
  const sent = tree.filter((s) => s.spanContext().traceId === treeId);
  expect(trace.spans).toHaveLength(sent.length);
  for (const s of sent) {
    const span = trace.spans.find((x) => x.spanID === s.spanContext().spanId)!;
    expect(span.traceID).toBe(treeId);
    expect(span.operationName).toBe(s.name);
    expect(span.startTime).toBe(micros(s.startTime));
    expect(span.duration).toBe(micros(s.endTime) - micros(s.startTime));
    expect(span.flags).toBe(1);
    const parent = s.parentSpanContext?.spanId;
    const childOf = span.references.filter((r) => r.refType === 'CHILD_OF');
    expect(childOf).toEqual(parent ? [{ refType: 'CHILD_OF', traceID: treeId, spanID: parent }] : []);
    const process = trace.processes[span.processID]!;
    expect(process.serviceName).toBe(s.resource.attributes['service.name']);
    expect(process.tags).toContainEqual({ key: 'service.version', type: 'string', value: '1.2.3' });
    expect(process.tags.some((t) => t.key === 'service.name')).toBe(false);
  }
  const root = trace.spans.find((x) => x.operationName === 'GET /checkout')!;
  expect(root.tags).toEqual(
    expect.arrayContaining([
      { key: 'span.kind', type: 'string', value: 'server' },
      { key: 'str', type: 'string', value: 'hello' },
      { key: 'int', type: 'int64', value: 42 },
      { key: 'negative', type: 'int64', value: -7 },
      { key: 'double', type: 'float64', value: 3.25 },
      { key: 'bool', type: 'bool', value: true },
      // Arrays are stored as JSON text, and stay text.
      { key: 'int.array', type: 'string', value: '[1,2,3]' },
    ]),
  );
  expect(root.references).toContainEqual(expect.objectContaining({ refType: 'FOLLOWS_FROM' }));
  expect(root.logs.map((l) => l.fields[0])).toEqual([
    { key: 'event', type: 'string', value: 'request.received' },
    { key: 'event', type: 'string', value: 'response.sent' },
  ]);
  expect(root.logs[0]!.fields).toEqual(
    expect.arrayContaining([
      { key: 'bytes', type: 'int64', value: 512 },
      { key: 'ok', type: 'bool', value: true },
    ]),
  );
  const failed = trace.spans.find((x) => x.operationName === 'charge card')!;
  expect(failed.tags).toEqual(
    expect.arrayContaining([
      { key: 'error', type: 'bool', value: true },
      { key: 'otel.status_code', type: 'string', value: 'ERROR' },
      { key: 'otel.status_description', type: 'string', value: 'card declined' },
    ]),
  );
  expect(new Set(trace.spans.map((x) => x.processID)).size).toBe(Object.keys(trace.processes).length);
});

test('/api/traces/{id} for an unknown trace is a Jaeger 404', async () => {
  const { status, body } = await get<null>(`/api/traces/${'cd'.repeat(16)}`);
  expect(status).toBe(404);
  expect(body).toEqual({ data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 404, msg: `trace ${'cd'.repeat(16)} not found` }] });
});

test.each([
  ['service', 'service=api'],
  ['service and operation', 'service=api&operation=GET%20/slow'],
  ['JSON tags', `service=api&tags=${encodeURIComponent('{"http.route":"/slow"}')}`],
  ['logfmt tags', `service=api&tags=${encodeURIComponent('http.route="/slow"')}`],
  ['minDuration', 'service=api&minDuration=1s'],
  ['start and end in microseconds', `service=api&start=${(now - 600_000) * 1000}&end=${now * 1000}`],
  ['lookback', 'service=api&lookback=1h&limit=5'],
])('/api/traces finds the slow trace by %s', async (_name, query) => {
  const { body } = await get<JaegerTrace[]>(`/api/traces?${query}`);
  expect(body.data.map((t) => t.traceID)).toEqual([slow[0]!.spanContext().traceId]);
  expect(body.data[0]!.spans).toHaveLength(2);
  expect(body.errors).toBeNull();
});

test.each([
  ['maxDuration', 'service=api&maxDuration=1ms'],
  ['a time range before it', `service=api&start=${(now - 3_600_000) * 1000}&end=${(now - 1_800_000) * 1000}`],
  ['other tags', `service=api&tags=${encodeURIComponent('{"http.route":"/fast"}')}`],
])('/api/traces excludes it by %s', async (_name, query) => {
  expect((await get<JaegerTrace[]>(`/api/traces?${query}`)).body.data).toEqual([]);
});

test('error=true finds traces with error spans', async () => {
  const { body } = await get<JaegerTrace[]>(`/api/traces?service=payments&tags=${encodeURIComponent('{"error":"true"}')}`);
  expect(body.data.map((t) => t.traceID)).toEqual([treeId]);
});

test.each([
  ['tags=notjson{', 'tags'],
  ['start=abc', 'start'],
  ['limit=0', 'limit'],
  ['minDuration=soon', 'minDuration'],
])('bad %s gets a 400 in the Jaeger envelope', async (query, parameter) => {
  const { status, body } = await get<null>(`/api/traces?service=api&${query}`);
  expect(status).toBe(400);
  expect(body.data).toBeNull();
  expect(body.errors![0]!.code).toBe(400);
  expect(body.errors![0]!.msg).toContain(parameter);
});

test("with no limit a search answers up to 100 traces, as Jaeger's (Grafana sends none)", async () => {
  const { body } = await get<JaegerTrace[]>(clientRequest('grafanaLegacy', 'searchNoLimit', { service: 'bulk' }));
  expect(body.data).toHaveLength(25);
  expect(body.total).toBe(25);
  expect((await get<JaegerTrace[]>('/api/traces?service=bulk&limit=10')).body.data).toHaveLength(10);
});

test.each([
  ['minDuration', 'minDuration=1us', 'minDuration=1us'],
  ['a tag', `tags=${encodeURIComponent('{"span.kind":"server"}')}`, 'status=unset'],
])('a search by a span filter (%s) answers the newest traces whole, in the native search order', async (_name, filter, nativeFilter) => {
  const { body } = await get<JaegerTrace[]>(`/api/traces?service=bulk&${filter}&limit=10`);
  const native = (await (await fetch(`${server.uiUrl}/api/v1/traces?service=bulk&${nativeFilter}&limit=10`)).json()) as TraceSearchResponse;
  const newest = [...new Set(bulk.map((s) => s.spanContext().traceId))].reverse().slice(0, 10);
  expect(native.traces.map((t) => t.traceId)).toEqual(newest);
  expect(body.data.map((t) => t.traceID)).toEqual(newest);
  for (const trace of body.data) expect(trace.spans).toHaveLength(bulk.filter((s) => s.spanContext().traceId === trace.traceID).length);
});

test.each([
  ['start 60 days back', () => `service=api&start=${(now - 60 * 86_400_000) * 1000}&end=${(now + 60_000) * 1000}`],
  ['lookback=60d', () => 'service=api&lookback=60d'],
  ['a dependency lookback of 90 days', () => `__deps__`],
])('a range longer than 31 days is accepted, bounded by retention: %s', async (_name, query) => {
  if (query() === '__deps__') {
    const { status } = await get<unknown>(`/api/dependencies?endTs=${now}&lookback=${90 * 86_400_000}`);
    expect(status).toBe(200);
    return;
  }
  const { status, body } = await get<JaegerTrace[]>(`/api/traces?${query()}`);
  expect(status).toBe(200);
  expect(body.data.map((t) => t.traceID)).toEqual([slow[0]!.spanContext().traceId]);
});

test("traceID=a&traceID=b answers those traces (Jaeger UI's compare), a missing one named in errors", async () => {
  const slowId = slow[0]!.spanContext().traceId;
  const { body } = await get<JaegerTrace[]>(clientRequest('jaegerUiLegacy', 'compare', { traceId: treeId, otherTraceId: slowId }));
  expect(body.data.map((t) => t.traceID)).toEqual([treeId, slowId]);
  expect(body.data[0]!.spans).toHaveLength(tree.filter((s) => s.spanContext().traceId === treeId).length);
  expect(body.errors).toBeNull();
  const missing = 'ab'.repeat(16);
  const partly = await get<JaegerTrace[]>(`/api/traces?traceID=${slowId}&traceID=${missing}&service=nobody`);
  expect(partly.body.data.map((t) => t.traceID)).toEqual([slowId]);
  expect(partly.body.errors).toEqual([{ msg: 'trace not found', traceID: missing }]);
  expect((await get<null>('/api/traces?traceID=xyz')).status).toBe(400);
});

test.each([
  ['span.kind', { 'span.kind': 'producer' }, 'payments', true],
  ['span.kind of no span there', { 'span.kind': 'server' }, 'payments', false],
  ['error=false', { error: 'false' }, 'payments', true],
  ['error=false where every span failed', { error: 'false', 'span.kind': 'producer' }, 'payments', false],
  ['otel.status_code=ERROR', { 'otel.status_code': 'ERROR' }, 'payments', true],
  ['otel.status_code=OK', { 'otel.status_code': 'OK' }, 'checkout', true],
  ['otel.status_code=OK where none is', { 'otel.status_code': 'OK' }, 'payments', false],
  ['otel.scope.name', { 'otel.scope.name': 'payments-scope' }, 'payments', true],
  ['another otel.scope.name', { 'otel.scope.name': 'frontend-scope' }, 'payments', false],
  ['an event attribute', { bytes: '512' }, 'frontend', true],
  ['an event attribute and the span kind', { ok: 'true', 'span.kind': 'server' }, 'frontend', true],
  ['a resource attribute', { 'service.version': '1.2.3' }, 'checkout', true],
])('tag search matches what Jaeger matches: %s', async (_name, tags, service, matches) => {
  const { body } = await get<JaegerTrace[]>(`/api/traces?service=${service}&tags=${encodeURIComponent(JSON.stringify(tags))}`);
  expect(body.data.map((t) => t.traceID)).toEqual(matches ? [treeId] : []);
});

test("Jaeger's tag=key:value is read too, and an unknown span.kind is a 400 naming it", async () => {
  expect((await get<JaegerTrace[]>('/api/traces?service=payments&tag=span.kind:consumer')).body.data.map((t) => t.traceID)).toEqual([treeId]);
  const bad = await get<null>(`/api/traces?service=payments&tags=${encodeURIComponent('{"span.kind":"sideways"}')}`);
  expect(bad.status).toBe(400);
  expect(bad.body.errors![0]!.msg).toMatch(/^tags: span\.kind: expected one of/);
  expect((await get<null>('/api/traces?service=payments&tag=nocolon')).status).toBe(400);
});

test("Grafana's legacy requests: services, operations, search with its JSON tags, trace with times", async () => {
  expect((await get<string[]>(clientRequest('grafanaLegacy', 'services', {}))).body.data).toContain('api');
  expect((await get<string[]>(clientRequest('grafanaLegacy', 'operations', { service: 'api' }))).body.data).toEqual(['GET /slow']);
  const slowId = slow[0]!.spanContext().traceId;
  const search = await get<JaegerTrace[]>(clientRequest('grafanaLegacy', 'search', { service: form('api'), tagsJson: form(JSON.stringify({ 'http.route': '/slow' })) }));
  expect(search.body.data.map((t) => t.traceID)).toEqual([slowId]);
  const withTime = await get<JaegerTrace[]>(clientRequest('grafanaLegacy', 'traceWithTime', { traceId: slowId, startUs: String((now - 600_000) * 1000), endUs: String(now * 1000) }));
  expect(withTime.body.data[0]!.spans).toHaveLength(2);
});

test("Jaeger UI's legacy search request, as its search form sends it", async () => {
  const values = { endUs: String((now + 60_000) * 1000), startUs: String((now - 600_000) * 1000), service: 'api', tagsJson: form(JSON.stringify({ 'http.route': '/slow' })) };
  const { status, body } = await get<JaegerTrace[]>(clientRequest('jaegerUiLegacy', 'search', values));
  expect(status).toBe(200);
  expect(body.data.map((t) => t.traceID)).toEqual([slow[0]!.spanContext().traceId]);
});
