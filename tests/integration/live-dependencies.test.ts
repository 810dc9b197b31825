/**
 * The live dependency map (issue 16): edges of minutes the edge job has not closed yet are
 * computed from spans, so a trace is on the map as soon as the collector acknowledges it, on
 * both the native and Jaeger's API; and messaging edges run producer → broker → consumer,
 * through a parent or a link, the same whether computed live or by the job.
 */
import { context, trace, SpanKind, type Attributes, type Link } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { createLogger } from '../../common/log';
import { EdgeJob } from '../../collector/jobs/edges';
import type { DependenciesResponse } from '../../viewer/api/types';
import { makeSimpleTrace } from '../support/spans';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

async function exportSpans(server: TestServer, spans: ReadableSpan[]): Promise<void> {
  const exporter = new OTLPTraceExporter({ url: `${server.httpUrl}/v1/traces` });
  await new Promise<void>((resolve, reject) => exporter.export(spans, (r) => (r.code === 0 ? resolve() : reject(r.error ?? new Error('export failed')))));
  await exporter.shutdown();
}

async function nativeEdges(server: TestServer, query: string): Promise<DependenciesResponse> {
  const response = await fetch(`${server.uiUrl}/api/v1/dependencies?${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as DependenciesResponse;
}

async function jaegerLinks(server: TestServer, endMs: number): Promise<{ parent: string; child: string; callCount: number }[]> {
  const response = await fetch(`${server.uiUrl}/api/dependencies?endTs=${endMs}&lookback=${15 * 60_000}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: { parent: string; child: string; callCount: number }[] }).data;
}

describe('with the edge job running as configured (60 s lag)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await stopTestServer(server);
  });

  test('a new trace with a cross-service call is on /api/v1/dependencies and /api/dependencies at its acknowledgement', async () => {
    await exportSpans(server, makeSimpleTrace({ service: 'live-web', childService: 'live-cart', children: 2, startMs: Date.now() - 50 }));
    // The issue asks for the edge within 10 s of the acknowledgement; on a quiet machine the first
    // request after the exporter's success has it (the job covers only minutes 60 s old). A full
    // CI run on two cores once missed it on that first request, so it is asked until 10 s pass.
    const acknowledged = Date.now();
    let map = await nativeEdges(server, 'lookback=15m');
    while (!map.edges.some((e) => e.parent === 'live-web' && e.child === 'live-cart') && Date.now() - acknowledged < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      map = await nativeEdges(server, 'lookback=15m');
    }
    expect(map.edges.find((e) => e.parent === 'live-web' && e.child === 'live-cart')).toMatchObject({ kind: 'service', calls: 2, errors: 0 });
    expect(map.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(['live-web', 'live-cart']));
    expect(await jaegerLinks(server, Date.now())).toContainEqual({ parent: 'live-web', child: 'live-cart', callCount: 2 });
  });
});

/** A producer in `orders` and consumers in `billing` (by link, a new trace) and `mailer` (a child in the producer's trace). */
function messagingSpans(startMs: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const tracer = (service: string): ReturnType<BasicTracerProvider['getTracer']> =>
    new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('messaging');
  const kafka: Attributes = { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' };
  const root = tracer('orders').startSpan('POST /orders', { kind: SpanKind.SERVER, startTime: startMs });
  const publish = tracer('orders').startSpan(
    'orders publish',
    { kind: SpanKind.PRODUCER, startTime: startMs + 1, attributes: { ...kafka, 'server.address': 'kafka-1' } },
    trace.setSpan(context.active(), root),
  );
  publish.end(startMs + 3);
  root.end(startMs + 5);
  const link: Link = { context: publish.spanContext() };
  for (let i = 0; i < 3; i++) {
    const consume = tracer('billing').startSpan('orders process', { kind: SpanKind.CONSUMER, startTime: startMs + 10 + i, links: [link], attributes: kafka });
    consume.end(startMs + 20 + i);
  }
  const child = tracer('mailer').startSpan('orders process', { kind: SpanKind.CONSUMER, startTime: startMs + 4, attributes: kafka }, trace.setSpan(context.active(), publish));
  child.end(startMs + 30);
  // A consumer with a link to a producer of its own service makes no edge from the broker.
  const own = tracer('orders').startSpan('orders replay', { kind: SpanKind.CONSUMER, startTime: startMs + 40, links: [link], attributes: kafka });
  own.end(startMs + 41);
  return memory.getFinishedSpans();
}

describe('messaging edges, live and from the job', () => {
  let server: TestServer;
  const now = Date.now();
  beforeAll(async () => {
    // The test runs the job itself, after reading the live map.
    server = await startTestServer({ dependencyIntervalMs: 0 });
    await exportSpans(server, messagingSpans(now - 2 * 60_000));
  });
  afterAll(async () => {
    await stopTestServer(server);
  });

  const summary = (map: DependenciesResponse): string[] => map.edges.map((e) => `${e.parent} -[${e.kind} ${e.calls}]-> ${e.child}`).sort();
  const expected = ['kafka orders -[messaging 1]-> mailer', 'kafka orders -[messaging 3]-> billing', 'orders -[external 1]-> kafka orders'];

  test('a consumer linked to, or a child of, a producer of another service is an edge from the broker, which its producer calls', async () => {
    const map = await nativeEdges(server, 'lookback=15m');
    expect(summary(map)).toEqual(expected);
    expect(map.nodes.find((n) => n.id === 'kafka orders')).toMatchObject({ kind: 'external', calls: 1 });
    expect(map.nodes.find((n) => n.id === 'billing')).toMatchObject({ kind: 'service', calls: 3 });
    expect(await jaegerLinks(server, Date.now())).toEqual(
      expect.arrayContaining([
        { parent: 'orders', child: 'kafka orders', callCount: 1 },
        { parent: 'kafka orders', child: 'billing', callCount: 3 },
        { parent: 'kafka orders', child: 'mailer', callCount: 1 },
      ]),
    );
  });

  test('the job stores the same edges the live map computed, and the map then reads them from its table', async () => {
    const job = new EdgeJob(server.store.client, server.store.sql, { lagSeconds: 60, intervalMs: 60_000, settleSeconds: 30 }, createLogger({ logLevel: 'silent' }));
    expect(await job.runOnce(Math.floor(Date.now() / 1000) + 180)).toBeGreaterThan(0);
    const stored = await server.store.client.query({ query: `SELECT sum(Calls) AS n FROM ${server.store.sql.database}.hindsight_service_edges_1m`, format: 'JSONEachRow' });
    expect(Number(((await stored.json()) as { n: string }[])[0]!.n)).toBe(5);
    expect(summary(await nativeEdges(server, 'lookback=15m'))).toEqual(expected);
  });
});
