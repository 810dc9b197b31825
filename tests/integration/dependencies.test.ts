/**
 * The dependency map: the edge job turns real SDK spans into per-minute edges,
 * incrementally and exactly once, and the native and Jaeger APIs read them.
 */
import { SpanKind, context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { createLogger } from '../../common/log';
import { EdgeJob } from '../../collector/jobs/edges';
import type { DependenciesResponse } from '../../viewer/api/types';
import { makeTraces, protobufRequest } from '../support/spans';
import { post } from '../support/http';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

let server: TestServer;
const now = Date.now();

/** api calls a Postgres database and an external payment API, neither of which sends spans. */
function uninstrumentedCalls(startMs: number, failing: boolean): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'api' }), spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('t');
  const root = tracer.startSpan('GET /orders', { kind: SpanKind.SERVER, startTime: startMs });
  const ctx = trace.setSpan(context.active(), root);
  const db = tracer.startSpan('SELECT orders', { kind: SpanKind.CLIENT, startTime: startMs + 1, attributes: { 'db.system': 'postgresql', 'db.name': 'shop' } }, ctx);
  db.end(startMs + 11);
  const pay = tracer.startSpan('POST /charge', { kind: SpanKind.CLIENT, startTime: startMs + 12, attributes: { 'server.address': 'api.payments.example' } }, ctx);
  if (failing) pay.setStatus({ code: 2 });
  pay.end(startMs + 40);
  root.end(startMs + 50);
  return memory.getFinishedSpans();
}

beforeAll(async () => {
  // The test drives the job itself; the server's own would race it for the same minutes.
  server = await startTestServer({ dependencyIntervalMs: 0 });
  const spans = [...makeTraces().spans, ...makeTraces().spans, ...uninstrumentedCalls(now - 5 * 60_000, false), ...uninstrumentedCalls(now - 4 * 60_000, true)];
  expect((await post(`${server.httpUrl}/v1/traces`, protobufRequest(spans), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
});
afterAll(async () => {
  await stopTestServer(server);
});

function job(): EdgeJob {
  return new EdgeJob(server.store.client, server.store.sql, { lagSeconds: 60, intervalMs: 60_000, settleSeconds: 30 }, createLogger({ logLevel: 'silent' }));
}

test('the job covers every complete minute once, and resumes from its watermark', async () => {
  const later = Math.floor(now / 1000) + 180;
  const covered = await job().runOnce(later);
  expect(covered).toBeGreaterThanOrEqual(5);
  // A second run, even from a new instance (a restart), has nothing left to do.
  expect(await job().runOnce(later)).toBe(0);
});

test('/api/v1/dependencies gives nodes and edges with calls, errors and child latency', async () => {
  const response = await fetch(`${server.uiUrl}/api/v1/dependencies?lookback=1h`);
  const body = (await response.json()) as DependenciesResponse;
  const edge = (parent: string, child: string): DependenciesResponse['edges'][number] | undefined => body.edges.find((e) => e.parent === parent && e.child === child);
  expect(edge('frontend', 'checkout')).toMatchObject({ kind: 'service', calls: 2, errors: 0 });
  expect(edge('checkout', 'payments')).toMatchObject({ kind: 'service', calls: 2, errors: 2, errorRate: 1 });
  // The instrumented downstream (peer.service=checkout, with a server span) is not also an external node.
  expect(body.nodes.find((n) => n.id === 'checkout')?.kind).toBe('service');
  expect(edge('api', 'postgresql shop')).toMatchObject({ kind: 'external', calls: 2, errors: 0 });
  const pay = edge('api', 'api.payments.example')!;
  expect(pay).toMatchObject({ kind: 'external', calls: 2, errors: 1, errorRate: 0.5 });
  expect(pay.p50Ns).toBeGreaterThanOrEqual(27_000_000);
  expect(pay.p99Ns).toBeLessThanOrEqual(29_000_000);
  expect(body.nodes.find((n) => n.id === 'postgresql shop')).toMatchObject({ kind: 'external', calls: 2 });
  expect(body.windowSeconds).toBe(3600);
  // Same-service parent/child pairs (producer → consumer inside payments) make no edge.
  expect(edge('payments', 'payments')).toBeUndefined();
});

test("Jaeger's /api/dependencies returns parent, child and callCount from the same data", async () => {
  const response = await fetch(`${server.uiUrl}/api/dependencies?endTs=${now + 60_000}&lookback=${3_600_000}`);
  const body = (await response.json()) as { data: { parent: string; child: string; callCount: number }[] };
  expect(body.data).toEqual(
    expect.arrayContaining([
      { parent: 'frontend', child: 'checkout', callCount: 2 },
      { parent: 'checkout', child: 'payments', callCount: 2 },
      { parent: 'api', child: 'postgresql shop', callCount: 2 },
    ]),
  );
  expect((await fetch(`${server.uiUrl}/api/dependencies?endTs=soon`)).status).toBe(400);
});
