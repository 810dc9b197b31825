/**
 * Anomaly quality on synthetic traffic made by the OpenTelemetry SDK: an hour of
 * lognormal latency for five operations, with two faults:
 * - orders POST /orders is 10× slower for five minutes;
 * - 2% of cart GET /cart spans are 50× slower.
 * Both faults must be found, and the three steady operations must raise nothing.
 */
import { SpanKind } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { AnomaliesResponse } from '../../viewer/api/types';
import { protobufRequest } from '../support/spans';
import { mulberry32 } from '../support/mutate';
import { post } from '../support/http';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

const OPERATIONS = [
  { service: 'catalog', name: 'GET /products', medianMs: 20, sigma: 0.3 },
  { service: 'catalog', name: 'GET /search', medianMs: 50, sigma: 0.4 },
  { service: 'users', name: 'GET /profile', medianMs: 10, sigma: 0.25 },
  { service: 'orders', name: 'POST /orders', medianMs: 30, sigma: 0.3 },
  { service: 'cart', name: 'GET /cart', medianMs: 15, sigma: 0.3 },
];
const FAULTS = [
  { service: 'orders', operation: 'POST /orders', kind: 'window' },
  { service: 'cart', operation: 'GET /cart', kind: 'span' },
];

const end = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
const start = end - 60 * 60_000;
const slowFrom = start + 40 * 60_000;
const slowTo = slowFrom + 5 * 60_000;

function traffic(): ReadableSpan[] {
  const random = mulberry32(42);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const memory = new InMemorySpanExporter();
  const tracers = new Map<string, ReturnType<BasicTracerProvider['getTracer']>>();
  for (const service of new Set(OPERATIONS.map((o) => o.service))) {
    tracers.set(service, new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('quality'));
  }
  for (let minute = 0; minute < 60; minute++) {
    for (const op of OPERATIONS) {
      for (let i = 0; i < 30; i++) {
        const t = start + minute * 60_000 + i * 2_000 + Math.floor(random() * 1_000);
        let ms = op.medianMs * Math.exp(op.sigma * normal());
        if (op.service === 'orders' && t >= slowFrom && t < slowTo) ms *= 10;
        if (op.service === 'cart' && random() < 0.02) ms *= 50;
        const span = tracers.get(op.service)!.startSpan(op.name, { kind: SpanKind.SERVER, startTime: t });
        span.end(t + ms);
      }
    }
  }
  return memory.getFinishedSpans();
}

let server: TestServer;
let result: AnomaliesResponse;

beforeAll(async () => {
  server = await startTestServer({ dependencyIntervalMs: 0 });
  const spans = traffic();
  for (let i = 0; i < spans.length; i += 2000) {
    const response = await post(`${server.httpUrl}/v1/traces`, protobufRequest(spans.slice(i, i + 2000)), { 'Content-Type': 'application/x-protobuf' });
    expect(response.status).toBe(200);
  }
  const response = await fetch(`${server.uiUrl}/api/v1/anomalies?start=${start}&end=${end}`);
  if (response.status !== 200) throw new Error(await response.text());
  result = (await response.json()) as AnomaliesResponse;
});
afterAll(async () => {
  await stopTestServer(server);
});

const isFaulty = (item: { service: string; operation: string }): boolean => FAULTS.some((f) => f.service === item.service && f.operation === item.operation);

test('both faults are found, nothing else is raised: precision and recall are 1', () => {
  const truePositives = result.items.filter(isFaulty).length;
  const precision = result.items.length === 0 ? 0 : truePositives / result.items.length;
  const found = FAULTS.filter((f) => result.items.some((i) => i.service === f.service && i.operation === f.operation && i.kind === f.kind));
  const recall = found.length / FAULTS.length;
  process.stdout.write(
    `anomaly quality: precision ${precision.toFixed(2)}, recall ${recall.toFixed(2)} (${result.items.length} items: ${result.items.map((i) => `${i.service} ${i.operation} ${i.kind} ${i.severity}`).join('; ')})\n`,
  );
  expect({ precision, recall }).toEqual({ precision: 1, recall: 1 });
});

test('the slow stretch is located, graded and ranked with baseline and observed values', () => {
  const item = result.items.find((i) => i.service === 'orders' && i.kind === 'window')!;
  expect(item.from! * 1000).toBeGreaterThanOrEqual(slowFrom - 60_000);
  expect(item.to! * 1000).toBeLessThanOrEqual(slowTo + 60_000);
  // About 10× the baseline p95: on the warning/critical boundary (3× and 10×).
  expect(['warning', 'critical']).toContain(item.severity);
  expect(item.observed.p50Ns / item.baseline.p50Ns).toBeGreaterThan(6);
  expect(item.exampleTraceIds.length).toBeGreaterThan(0);
  expect(item.sparkline.length).toBeGreaterThanOrEqual(55);
  expect(item.impact).toBeGreaterThan(0);
});

test('the 50× slower spans are critical outliers with example traces', () => {
  const item = result.items.find((i) => i.service === 'cart' && i.kind === 'span')!;
  expect(item.severity).toBe('critical');
  expect(item.observed.outliers!).toBeGreaterThanOrEqual(20);
  expect(item.observed.p50Ns / item.baseline.p50Ns).toBeGreaterThan(20);
  expect(item.exampleTraceIds).toHaveLength(5);
});
