/**
 * Jaeger's API v3 over HTTP, as Jaeger UI (api/v3/client.ts) and Grafana's Jaeger data
 * source in its gRPC-endpoint mode (pkg/tsdb/jaeger/grpc_client.go) call it: their requests
 * replayed from tests/fixtures/jaeger/requests.json, the answers checked field by field
 * against the spans the real OpenTelemetry exporter sent and against the clients' models
 * (jaeger-ui's zod schemas, Grafana's GrpcTracesResponse).
 */
import { SpanKind as SdkSpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { clientRequest, form, goRfc3339Nano } from '../support/client-requests';
import { makeSimpleTrace, makeTraces } from '../support/spans';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

let server: TestServer;
let tree: ReadableSpan[];
let slow: ReadableSpan[];
let treeId: string;
let slowId: string;
const now = Date.now();

beforeAll(async () => {
  server = await startTestServer();
  tree = makeTraces().spans;
  treeId = tree.find((s) => s.name === 'GET /checkout')!.spanContext().traceId;
  slow = makeSimpleTrace({ service: 'api', name: 'GET /slow', startMs: now - 120_000, durationMs: 1500, attributes: { 'http.route': '/slow', 'app.amount': 420.5 }, children: 1 });
  slowId = slow[0]!.spanContext().traceId;
  const exporter = new OTLPTraceExporter({ url: `${server.httpUrl}/v1/traces` });
  await new Promise<void>((resolve, reject) => exporter.export([...tree, ...slow], (r) => (r.code === 0 ? resolve() : reject(r.error))));
  await exporter.shutdown();
});
afterAll(async () => {
  await stopTestServer(server);
});

interface Raw {
  status: number;
  contentType: string;
  text: string;
}

async function get(path: string): Promise<Raw> {
  const response = await fetch(`${server.uiUrl}${path}`);
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

async function json<T>(path: string): Promise<T> {
  const response = await get(path);
  expect({ path, status: response.status }).toEqual({ path, status: 200 });
  expect(response.contentType).toMatch(/^application\/json/);
  return JSON.parse(response.text) as T;
}

/** The gateway's error: GRPCGatewayError JSON written by Go's http.Error. */
async function expectGatewayError(path: string, httpCode: number, message: string | RegExp): Promise<void> {
  const response = await get(path);
  expect(response.status).toBe(httpCode);
  expect(response.contentType).toBe('text/plain; charset=utf-8');
  expect(response.text.endsWith('}\n')).toBe(true);
  const body = JSON.parse(response.text) as { error: { httpCode: number; message: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.httpCode).toBe(httpCode);
  expect(body.error.message).toMatch(message);
}

interface OtlpKeyValue {
  key: string;
  value: Record<string, unknown>;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: OtlpKeyValue[];
  events?: { timeUnixNano: string; name: string; attributes?: OtlpKeyValue[] }[];
  links?: { traceId: string; spanId: string; traceState?: string; attributes?: OtlpKeyValue[] }[];
  status: { code?: number; message?: string };
}
interface TracesData {
  result: { resourceSpans: { resource: { attributes?: OtlpKeyValue[] }; scopeSpans: { scope: { name?: string; version?: string }; spans: OtlpSpan[] }[] }[] };
}

const nanos = (t: [number, number]): string => (BigInt(t[0]) * 1_000_000_000n + BigInt(t[1])).toString();
const spansOf = (data: TracesData): { span: OtlpSpan; scope: { name?: string; version?: string }; resource: OtlpKeyValue[] }[] =>
  data.result.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((span) => ({ span, scope: s.scope, resource: r.resource.attributes ?? [] }))));

/** The OTLP AnyValue the SDK sent for a JS attribute value, as proto3 JSON writes it. */
function sentValue(v: unknown): Record<string, unknown> {
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (typeof v === 'string') return { stringValue: v };
  // Arrays are stored as their JSON text and come back as a string.
  return { stringValue: JSON.stringify(v) };
}

test('Jaeger UI and Grafana list services: {"services": [...]}', async () => {
  for (const path of [clientRequest('jaegerUiV3', 'services', {}), clientRequest('grafanaGrpc', 'services', {})]) {
    const body = await json<{ services: string[] }>(path);
    expect(Object.keys(body)).toEqual(['services']);
    expect([...body.services].sort()).toEqual(['api', 'api-db', 'checkout', 'frontend', 'payments']);
  }
});

test('operations: name and lower-case span kind, filterable by span_kind or spanKind', async () => {
  for (const path of [clientRequest('jaegerUiV3', 'operations', { service: form('payments') }), clientRequest('grafanaGrpc', 'operations', { service: form('payments') })]) {
    expect(await json(path)).toEqual({
      operations: [
        { name: 'charge card', spanKind: 'producer' },
        { name: 'process charge', spanKind: 'consumer' },
      ],
    });
  }
  expect(await json('/api/v3/operations?service=payments&span_kind=consumer')).toEqual({ operations: [{ name: 'process charge', spanKind: 'consumer' }] });
  expect(await json('/api/v3/operations?service=payments&spanKind=producer')).toEqual({ operations: [{ name: 'charge card', spanKind: 'producer' }] });
  await expectGatewayError('/api/v3/operations?service=payments&span_kind=sideways', 400, /^malformed parameter span_kind: expected one of/);
  await expectGatewayError('/api/v3/operations', 400, /^malformed parameter service: required/);
});

test('GetTrace answers OTLP TracesData under result, field by field as the SDK sent it', async () => {
  const data = await json<TracesData>(clientRequest('grafanaGrpc', 'trace', { traceId: treeId }));
  expect(Object.keys(data)).toEqual(['result']);
  const found = spansOf(data);
  const sent = tree.filter((s) => s.spanContext().traceId === treeId);
  expect(found).toHaveLength(sent.length);
  for (const s of sent) {
    const { span, scope, resource } = found.find((f) => f.span.spanId === s.spanContext().spanId)!;
    expect(span.traceId).toBe(treeId);
    expect(span.name).toBe(s.name);
    // OTLP numbers kinds from 1 (server); the SDK's enum from 0 (internal).
    expect(span.kind).toBe(s.kind + 1);
    expect(span.startTimeUnixNano).toBe(nanos(s.startTime));
    expect(span.endTimeUnixNano).toBe(nanos(s.endTime));
    expect(span.parentSpanId).toBe(s.parentSpanContext?.spanId);
    expect(span.status).toEqual({ ...(s.status.code === 0 ? {} : { code: s.status.code }), ...(s.status.message ? { message: s.status.message } : {}) });
    expect(scope).toEqual({ name: s.instrumentationScope.name, version: s.instrumentationScope.version });
    expect(resource).toContainEqual({ key: 'service.name', value: { stringValue: s.resource.attributes['service.name'] } });
    expect(resource).toContainEqual({ key: 'service.version', value: { stringValue: '1.2.3' } });
    expect(span.attributes ?? []).toEqual(Object.entries(s.attributes).map(([key, v]) => ({ key, value: sentValue(v) })));
    expect(span.events ?? []).toEqual(
      s.events.map((e) => ({
        timeUnixNano: nanos(e.time),
        name: e.name,
        ...(e.attributes && Object.keys(e.attributes).length > 0 ? { attributes: Object.entries(e.attributes).map(([key, v]) => ({ key, value: sentValue(v) })) } : {}),
      })),
    );
    expect(span.links ?? []).toEqual(
      s.links.map((l) => ({
        traceId: l.context.traceId,
        spanId: l.context.spanId,
        ...(l.context.traceState ? { traceState: l.context.traceState.serialize() } : {}),
        attributes: Object.entries(l.attributes ?? {}).map(([key, v]) => ({ key, value: sentValue(v) })),
      })),
    );
  }
  const root = found.find((f) => f.span.name === 'GET /checkout')!.span;
  expect(root.kind).toBe(SdkSpanKind.SERVER + 1);
});

test('GetTrace takes a base64 id, and start_time/end_time as Grafana appends them unencoded', async () => {
  const base64 = Buffer.from(slowId, 'hex').toString('base64');
  expect(spansOf(await json<TracesData>(`/api/v3/traces/${encodeURIComponent(base64)}`))).toHaveLength(2);
  expect(spansOf(await json<TracesData>(`/api/v3/traces/${base64.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}`))).toHaveLength(2);
  const around = { traceId: slowId, startRfc3339Nano: goRfc3339Nano(now - 600_000, 120), endRfc3339Nano: goRfc3339Nano(now + 1) };
  expect(spansOf(await json<TracesData>(clientRequest('grafanaGrpc', 'traceWithTime', around)))).toHaveLength(2);
  const before = { traceId: slowId, startRfc3339Nano: goRfc3339Nano(now - 3_600_000), endRfc3339Nano: goRfc3339Nano(now - 1_800_000) };
  await expectGatewayError(clientRequest('grafanaGrpc', 'traceWithTime', before), 404, /^No traces found$/);
});

test('GetTrace errors: unknown trace 404, bad id and bad times 400, in the gateway shape', async () => {
  await expectGatewayError(`/api/v3/traces/${'cd'.repeat(16)}`, 404, /^No traces found$/);
  await expectGatewayError('/api/v3/traces/not-a-trace-id!', 400, /^malformed parameter trace_id: /);
  await expectGatewayError(`/api/v3/traces/${slowId}?start_time=yesterday`, 400, /^malformed parameter start_time: /);
  await expectGatewayError(`/api/v3/traces/${slowId}?raw_traces=maybe`, 400, /^malformed parameter raw_traces: /);
});

test("Grafana's gRPC-mode search: snake_case, attributes from its logfmt tags as JSON, times unencoded", async () => {
  const values = {
    service: form('api'),
    attributesJson: form(JSON.stringify({ 'http.route': '/slow' })),
    startRfc3339Nano: goRfc3339Nano(now - 600_000),
    endRfc3339Nano: goRfc3339Nano(now + 1),
  };
  const data = await json<TracesData>(clientRequest('grafanaGrpc', 'search', values));
  const found = spansOf(data);
  expect(new Set(found.map((f) => f.span.traceId))).toEqual(new Set([slowId]));
  expect(found).toHaveLength(2);
  // Grafana's GrpcTracesResponse reads error.httpCode as 0 on success: no error field at all.
  expect('error' in data).toBe(false);
  const none = { ...values, attributesJson: form(JSON.stringify({ 'http.route': '/fast' })) };
  await expectGatewayError(clientRequest('grafanaGrpc', 'search', none), 404, /^No traces found$/);
});

test('FindTraces by every parameter, camelCase and snake_case alike', async () => {
  const range = `query.start_time_min=${form(new Date(now - 600_000).toISOString())}&query.start_time_max=${form(new Date(now + 600_000).toISOString())}`;
  const ids = async (query: string): Promise<string[]> => [...new Set(spansOf(await json<TracesData>(`/api/v3/traces?${range}&${query}`)).map((f) => f.span.traceId))];
  expect(await ids('query.service_name=api&query.operation_name=GET%20/slow')).toEqual([slowId]);
  expect(await ids('query.serviceName=api&query.durationMin=1s&query.durationMax=1m30s')).toEqual([slowId]);
  expect(await ids('query.serviceName=api&query.search_depth=1&query.raw_traces=true')).toHaveLength(1);
  expect(await ids(`query.attributes=${form('{"span.kind":"producer","otel.status_code":"ERROR"}')}`)).toEqual([treeId]);
  await expectGatewayError(`/api/v3/traces?${range}&query.service_name=api&query.duration_max=1ms`, 404, /^No traces found$/);
});

test('FindTraces errors: the range is required, values are checked, each named', async () => {
  const range = `query.start_time_min=${form(new Date(now - 600_000).toISOString())}&query.start_time_max=${form(new Date(now).toISOString())}`;
  await expectGatewayError('/api/v3/traces?query.service_name=api', 400, /^query\.startTimeMin and query\.startTimeMax are required$/);
  await expectGatewayError(`/api/v3/traces?${range}&query.duration_min=5 minutes`, 400, /^malformed parameter query\.duration_min: /);
  await expectGatewayError(`/api/v3/traces?${range}&query.search_depth=many`, 400, /^malformed parameter query\.search_depth: /);
  await expectGatewayError(`/api/v3/traces?${range}&query.attributes=${form('{"n":5}')}`, 400, /^malformed parameter query\.attributes: /);
  await expectGatewayError(`/api/v3/traces?query.start_time_min=2026-01-02&query.start_time_max=2026-01-03`, 400, /^malformed parameter query\.start_time_min: /);
  await expectGatewayError(`/api/v3/traces?query.startTimeMin=${form(new Date(now).toISOString())}&query.startTimeMax=${form(new Date(now - 1000).toISOString())}`, 400, /must be before/);
});

test("Jaeger UI's trace search through /api/v3/trace-summaries, checked against its schema", async () => {
  const values = { service: form('api'), startIso: form(new Date(now - 600_000).toISOString()), endIso: form(new Date(now + 1).toISOString()) };
  const body = await json<{ summaries: Record<string, unknown>[] }>(clientRequest('jaegerUiV3', 'traceSummaries', values));
  expect(body.summaries).toHaveLength(1);
  const summary = body.summaries[0]!;
  const root = slow.find((s) => !s.parentSpanContext)!;
  expect(summary).toEqual({
    traceId: slowId,
    rootServiceName: 'api',
    rootOperationName: 'GET /slow',
    minStartTimeUnixNano: nanos(root.startTime),
    maxEndTimeUnixNano: nanos(root.endTime),
    spanCount: 2,
    services: expect.arrayContaining([
      { name: 'api', spanCount: 1 },
      { name: 'api-db', spanCount: 1 },
    ]) as unknown,
  });
  // jaeger-ui's schemas.ts: a 32-digit hex id, decimal nanosecond strings, whole counts.
  expect(summary['traceId']).toMatch(/^[0-9a-f]{32}$/);
  expect(summary['minStartTimeUnixNano']).toMatch(/^\d+$/);
  expect(summary['maxEndTimeUnixNano']).toMatch(/^\d+$/);

  const all = { ...values, operation: form('GET /slow'), attributesJson: form(JSON.stringify({ 'http.route': '/slow' })) };
  expect((await json<{ summaries: { traceId: string }[] }>(clientRequest('jaegerUiV3', 'traceSummariesAllFields', all))).summaries.map((s) => s.traceId)).toEqual([slowId]);
  const none = { ...all, attributesJson: form(JSON.stringify({ 'http.route': '/fast' })) };
  expect(await json(clientRequest('jaegerUiV3', 'traceSummariesAllFields', none))).toEqual({ summaries: [] });
});

test('an unknown path under /api/v3 is a gateway 404, not a legacy route', async () => {
  await expectGatewayError('/api/v3/dependencies', 404, /no API v3 route/);
});
