/**
 * The dependency map's service nodes are measured by the requests each service served (its
 * server and consumer spans; a batch job's root spans), not by the calls of its callers on the
 * map: an entry service nobody calls is as big and as red as its traffic. Spans come from the
 * OpenTelemetry SDK through its OTLP exporter, some in minutes the edge job has stored, some past
 * its watermark, in the map's live part.
 */
import { context, trace, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { createLogger } from '../../common/log';
import { EdgeJob } from '../../collector/jobs/edges';
import type { DependenciesResponse, DependencyNode } from '../../viewer/api/types';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

async function exportSpans(server: TestServer, spans: ReadableSpan[]): Promise<void> {
  const exporter = new OTLPTraceExporter({ url: `${server.httpUrl}/v1/traces` });
  await new Promise<void>((resolve, reject) => exporter.export(spans, (r) => (r.code === 0 ? resolve() : reject(r.error ?? new Error('export failed')))));
  await exporter.shutdown();
}

/**
 * `requests` user requests to frontend (server spans with no parent; every tenth fails in
 * frontend itself), each calling checkout (a client span and checkout's server span, which
 * succeed); `direct` requests to checkout from a caller that sends no spans; and `reports` runs
 * of the nightly-report batch job (an internal root span, the first failing) querying Postgres.
 */
function shopSpans(startMs: number, counts: { requests: number; direct: number; reports: number }): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const tracers = new Map<string, Tracer>();
  const tracer = (service: string): Tracer => {
    let t = tracers.get(service);
    if (t === undefined) {
      t = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('shop');
      tracers.set(service, t);
    }
    return t;
  };
  for (let i = 0; i < counts.requests; i++) {
    const at = startMs + i * 10;
    const root = tracer('frontend').startSpan('GET /', { kind: SpanKind.SERVER, startTime: at });
    const call = tracer('frontend').startSpan('POST /checkout', { kind: SpanKind.CLIENT, startTime: at + 1 }, trace.setSpan(context.active(), root));
    const served = tracer('checkout').startSpan('POST /checkout', { kind: SpanKind.SERVER, startTime: at + 2 }, trace.setSpan(context.active(), call));
    served.end(at + 5);
    call.end(at + 6);
    if (i % 10 === 0) root.setStatus({ code: SpanStatusCode.ERROR });
    root.end(at + 8);
  }
  for (let i = 0; i < counts.direct; i++)
    tracer('checkout')
      .startSpan('POST /checkout', { kind: SpanKind.SERVER, startTime: startMs + i })
      .end(startMs + i + 3);
  for (let i = 0; i < counts.reports; i++) {
    const at = startMs + i * 100;
    const run = tracer('nightly-report').startSpan('build report', { kind: SpanKind.INTERNAL, startTime: at });
    const query = tracer('nightly-report').startSpan(
      'SELECT orders',
      { kind: SpanKind.CLIENT, startTime: at + 1, attributes: { 'db.system': 'postgresql', 'db.name': 'shop' } },
      trace.setSpan(context.active(), run),
    );
    query.end(at + 20);
    if (i === 0) run.setStatus({ code: SpanStatusCode.ERROR });
    run.end(at + 30);
  }
  return memory.getFinishedSpans();
}

let server: TestServer;
let map: DependenciesResponse;
let jaeger: { parent: string; child: string; callCount: number }[];

beforeAll(async () => {
  // The test runs the edge job itself: the older spans' minutes stored, the fresh ones live.
  server = await startTestServer({ dependencyIntervalMs: 0 });
  await exportSpans(server, shopSpans(Date.now() - 5 * 60_000, { requests: 20, direct: 6, reports: 2 }));
  const job = new EdgeJob(server.store.client, server.store.sql, { lagSeconds: 60, intervalMs: 60_000, settleSeconds: 30 }, createLogger({ logLevel: 'silent' }));
  expect(await job.runOnce(Math.floor(Date.now() / 1000))).toBeGreaterThan(0);
  await exportSpans(server, shopSpans(Date.now() - 1000, { requests: 20, direct: 4, reports: 2 }));
  const response = await fetch(`${server.uiUrl}/api/v1/dependencies?lookback=15m`);
  expect(response.status).toBe(200);
  map = (await response.json()) as DependenciesResponse;
  const links = await fetch(`${server.uiUrl}/api/dependencies?endTs=${Date.now()}&lookback=${15 * 60_000}`);
  jaeger = ((await links.json()) as { data: typeof jaeger }).data;
});
afterAll(async () => {
  await stopTestServer(server);
});

const node = (id: string): DependencyNode | undefined => map.nodes.find((n) => n.id === id);

test('the edges hold the stored minutes and the live ones', () => {
  expect(map.edges.find((e) => e.parent === 'frontend' && e.child === 'checkout')).toMatchObject({ kind: 'service', calls: 40, errors: 0 });
  expect(map.edges.find((e) => e.parent === 'nightly-report' && e.child === 'postgresql shop')).toMatchObject({ kind: 'external', calls: 4 });
});

test('an entry service nobody calls gets its rate and error rate from its server spans', () => {
  expect(map.edges.some((e) => e.child === 'frontend')).toBe(false);
  expect(node('frontend')).toEqual({
    id: 'frontend',
    kind: 'service',
    calls: 40,
    errors: 4,
    requestRate: 40 / 900,
    errorRate: 0.1,
    counts: 'requests',
    callsIn: 0,
    errorsIn: 0,
  });
});

test("a callee counts every request it served, also those from callers not on the map; its edge keeps its callers' calls", () => {
  expect(node('checkout')).toMatchObject({ calls: 50, errors: 0, requestRate: 50 / 900, errorRate: 0, counts: 'requests', callsIn: 40, errorsIn: 0 });
});

test('a batch job with no server spans is measured by its root spans; the database it queries by the calls into it', () => {
  expect(node('nightly-report')).toMatchObject({ calls: 4, errors: 2, requestRate: 4 / 900, errorRate: 0.5, counts: 'roots' });
  expect(node('postgresql shop')).toMatchObject({ kind: 'external', calls: 4, errors: 0, counts: 'calls-in', callsIn: 4 });
});

test("Jaeger's links are the edges' calls, as before", () => {
  expect(jaeger).toEqual(
    expect.arrayContaining([
      { parent: 'frontend', child: 'checkout', callCount: 40 },
      { parent: 'nightly-report', child: 'postgresql shop', callCount: 4 },
    ]),
  );
  expect(jaeger.some((l) => l.child === 'frontend')).toBe(false);
});
