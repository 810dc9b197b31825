/**
 * The Jaeger-compatible query API, checked field by field against the Jaeger UI
 * JSON model, with traces sent by the real OpenTelemetry exporter.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { JaegerResponse, JaegerTrace } from '../../viewer/api/jaeger';
import { makeSimpleTrace, makeTraces } from '../support/spans';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

let server: TestServer;
let tree: ReadableSpan[];
let slow: ReadableSpan[];
let treeId: string;
const now = Date.now();

beforeAll(async () => {
  server = await startTestServer();
  tree = makeTraces().spans;
  treeId = tree.find((s) => s.name === 'GET /checkout')!.spanContext().traceId;
  slow = makeSimpleTrace({ service: 'api', name: 'GET /slow', startMs: now - 120_000, durationMs: 1500, attributes: { 'http.route': '/slow' }, children: 1 });
  const exporter = new OTLPTraceExporter({ url: `${server.httpUrl}/v1/traces` });
  await new Promise<void>((resolve, reject) => exporter.export([...tree, ...slow], (r) => (r.code === 0 ? resolve() : reject(r.error))));
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
  expect(body).toEqual({ data: expect.arrayContaining(['frontend', 'checkout', 'payments', 'api', 'api-db']), total: 5, limit: 0, offset: 0, errors: null });
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
