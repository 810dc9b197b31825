/**
 * What held when Hindsight was attacked black box (issue 12, "What held"): each
 * stays a test so it cannot regress. Big and strange but valid requests are stored
 * whole; hostile parameters and paths get 4xx, never 500 or a file's content.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { context, trace, SpanKind } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { makeSimpleTrace, protobufRequest } from '../support/spans';
import { post } from '../support/http';
import { startTestServer, stopTestServer, queryRows, type TestServer } from '../support/server';

const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };
const JSON_TYPE = { 'Content-Type': 'application/json' };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ ingestTokens: ['ingest-secret'], maxBodyBytes: 32 * 1024 * 1024 });
});
afterAll(async () => {
  await stopTestServer(server);
});

const INGEST = { Authorization: 'Bearer ingest-secret' };

async function spansOf(traceId: string): Promise<number> {
  const [row] = await queryRows<{ n: string }>(server.store.client, `SELECT count() AS n FROM ${server.config.database}.otel_traces WHERE TraceId = {t:String}`, { t: traceId });
  return Number(row!.n);
}

function chain(depth: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'deep' }), spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('held');
  const start = Date.now() - 60_000;
  const open = [];
  let parent = context.active();
  for (let i = 0; i < depth; i++) {
    const span = tracer.startSpan(`level ${i}`, { kind: SpanKind.INTERNAL, startTime: start + i }, parent);
    open.push(span);
    parent = trace.setSpan(context.active(), span);
  }
  for (let i = open.length - 1; i >= 0; i--) open[i]!.end(start + depth * 2 - i);
  return memory.getFinishedSpans();
}

describe('big but valid requests are stored whole', () => {
  test('100,000 spans in one request', async () => {
    const spans = makeSimpleTrace({ service: 'batch', name: 'nightly job', children: 99_999 });
    const response = await post(`${server.httpUrl}/v1/traces`, protobufRequest(spans), { ...PROTOBUF, ...INGEST });
    expect(response.status).toBe(200);
    expect(await spansOf(spans[0]!.spanContext().traceId)).toBe(100_000);
  });

  test('a 15 MB attribute value', async () => {
    const value = 'x'.repeat(15 * 1024 * 1024);
    const spans = makeSimpleTrace({ service: 'big', name: 'upload', attributes: { payload: value } });
    const response = await post(`${server.httpUrl}/v1/traces`, protobufRequest(spans), { ...PROTOBUF, ...INGEST });
    expect(response.status).toBe(200);
    const [row] = await queryRows<{ n: string }>(server.store.client, `SELECT length(SpanAttributes['payload']) AS n FROM ${server.config.database}.otel_traces WHERE TraceId = {t:String}`, {
      t: spans[0]!.spanContext().traceId,
    });
    expect(Number(row!.n)).toBe(value.length);
  });

  test('a 20,000-deep chain is stored and served with its critical path', async () => {
    const spans = chain(20_000);
    const traceId = spans[0]!.spanContext().traceId;
    expect((await post(`${server.httpUrl}/v1/traces`, protobufRequest(spans), { ...PROTOBUF, ...INGEST })).status).toBe(200);
    const whole = await fetch(`${server.uiUrl}/api/v1/traces/${traceId}`);
    expect(whole.status).toBe(200);
    expect(((await whole.json()) as { spans: unknown[] }).spans).toHaveLength(20_000);
    expect((await fetch(`${server.uiUrl}/api/v1/traces/${traceId}/critical-path`)).status).toBe(200);
  });

  test('a parent cycle is served with its spans, not a crash or a hang', async () => {
    const traceId = 'c'.repeat(32);
    const now = BigInt(Date.now() - 60_000) * 1_000_000n;
    const span = (id: string, parent: string): Record<string, unknown> => ({
      traceId,
      spanId: id,
      parentSpanId: parent,
      name: `span ${id}`,
      kind: 1,
      startTimeUnixNano: String(now),
      endTimeUnixNano: String(now + 1_000_000n),
    });
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'cyclic' } }] },
          scopeSpans: [{ spans: [span('a'.repeat(16), 'b'.repeat(16)), span('b'.repeat(16), 'a'.repeat(16))] }],
        },
      ],
    });
    expect((await post(`${server.httpUrl}/v1/traces`, body, { ...JSON_TYPE, ...INGEST })).status).toBe(200);
    const whole = await fetch(`${server.uiUrl}/api/v1/traces/${traceId}`);
    expect(whole.status).toBe(200);
    expect(((await whole.json()) as { spans: unknown[] }).spans).toHaveLength(2);
    expect((await fetch(`${server.uiUrl}/api/v1/traces/${traceId}/critical-path`)).status).toBeLessThan(500);
  });

  test('NUL bytes and non-ASCII text come back exactly as sent', async () => {
    const hostile = 'nul\u0000byte \u{1F600} \u202Eevil\u202C \x1b[31mred\x1b[0m';
    const spans = makeSimpleTrace({ service: 'odd', name: hostile, attributes: { [hostile]: hostile } });
    expect((await post(`${server.httpUrl}/v1/traces`, protobufRequest(spans), { ...PROTOBUF, ...INGEST })).status).toBe(200);
    const body = (await (await fetch(`${server.uiUrl}/api/v1/traces/${spans[0]!.spanContext().traceId}`)).json()) as { spans: { name: string; attributes: Record<string, unknown> }[] };
    expect(body.spans[0]!.name).toBe(hostile);
    expect(body.spans[0]!.attributes[hostile]).toBe(hostile);
  });
});

describe('credentials', () => {
  const body = (): Buffer => protobufRequest(makeSimpleTrace({ service: 'auth' }));
  test.each(['Bearer ingest-secret', 'bearer ingest-secret', 'BEARER ingest-secret', 'Bearer   ingest-secret'])('%j is accepted: the scheme is case-insensitive', async (authorization) => {
    expect((await post(`${server.httpUrl}/v1/traces`, body(), { ...PROTOBUF, Authorization: authorization })).status).toBe(200);
  });
  test.each(['Bearer ingest-secre', 'Bearer ingest-secretx', 'Bearer INGEST-SECRET', 'Basic ingest-secret', 'Bearer', 'ingest-secret', `Bearer ingest-secret\u0000`])(
    '%j is refused',
    async (authorization) => {
      expect((await post(`${server.httpUrl}/v1/traces`, body(), { ...PROTOBUF, Authorization: authorization }).catch(() => ({ status: 400 }))).status).toBeGreaterThanOrEqual(400);
    },
  );
});

describe('path tricks', () => {
  test.each(['/v1/traces/', '/V1/TRACES', '//v1/traces', '/v1//traces', '/v1/traces/..', '/v1/./traces', '/v1/traces;x=1', '/v1/%74races', '/x/../v1/traces'])(
    'POST %s never stores without the token',
    async (route) => {
      const spans = makeSimpleTrace({ service: 'path-trick' });
      const response = await fetch(`${server.httpUrl}${route}`, { method: 'POST', body: protobufRequest(spans), headers: PROTOBUF });
      expect([401, 404, 405, 429]).toContain(response.status);
      expect(await spansOf(spans[0]!.spanContext().traceId)).toBe(0);
    },
  );

  const packageJson = fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8');
  test.each([
    '/assets/../../package.json',
    '/assets/..%2f..%2fpackage.json',
    '/%2e%2e/%2e%2e/package.json',
    '/..%2f..%2f..%2fetc%2fpasswd',
    '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
    '/assets/....//....//package.json',
    '/%c0%ae%c0%ae/package.json',
    '/assets/..\\..\\package.json',
  ])('GET %s serves no file from outside the app', async (route) => {
    const response = await fetch(`${server.uiUrl}${route}`);
    const text = await response.text();
    expect(response.status).toBeLessThan(500);
    expect(text).not.toContain(packageJson.slice(0, 60));
    expect(text).not.toMatch(/root:x:0:0/);
  });
});

test.each(
  [
    '/api/v1/traces?service[]=a&service[]=b',
    '/api/v1/traces?service=a&service=b',
    '/api/v1/traces?limit=1e309',
    '/api/v1/traces?limit=-1',
    '/api/v1/traces?__proto__[x]=1&constructor[prototype][y]=2',
    '/api/v1/traces?start=-1&end=99999999999999999999999',
    '/api/v1/traces?lookback=99999999999d',
    `/api/v1/traces?attr=${'k'.repeat(20_000)}=v`,
    '/api/v1/traces?attr=%00=%00',
    "/api/v1/traces?service=' OR 1=1 --",
    '/api/v1/services/x/operations?start=abc',
    '/api/traces?tags={"a":',
    '/api/traces?service=x&tags=[1,2]',
    '/api/traces?service=x&limit=NaN',
  ].map((route) => [route.length > 100 ? `${route.slice(0, 60)}… (${route.length} characters)` : route, route]),
)('hostile query %s is answered without a 500', async (_name, route) => {
  const response = await fetch(`${server.uiUrl}${route}`);
  expect(response.status).toBeLessThan(500);
  expect(await response.text()).not.toMatch(/\bat [\w.<>]+ \(/);
});
