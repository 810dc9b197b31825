/**
 * The anomaly analysis's two reads of the operation rollups (viewer/query/queries.ts):
 * operationWindows gives each bucket's figures with quantiles computed in SQL, and
 * operationWindowDetails the histogram and slowest span of the buckets asked for. The
 * SQL quantiles must be latency-histogram.ts's quantile() of the same histogram, and an
 * operation's whole-range histogram the sum of its buckets', for buckets cut from each
 * rollup: per minute, per five minutes and per hour. Traffic: three operations of SDK
 * spans over the last three hours, lognormal latency, seeded, one operation seen once.
 */
import { SpanKind } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { histogramOf, quantile, sum, total } from '../../viewer/query/latency-histogram';
import { Queries, type OperationWindowsRow } from '../../viewer/query/queries';
import { mulberry32 } from '../support/mutate';
import { protobufRequest } from '../support/spans';
import { post } from '../support/http';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

const OPERATIONS = [
  { service: 'catalog', name: 'GET /products', medianMs: 20, sigma: 0.5, every: 20_000 },
  { service: 'orders', name: 'POST /orders', medianMs: 80, sigma: 1, every: 45_000 },
];
const end = Date.now();
const start = end - 3 * 3_600_000;

function traffic(): ReadableSpan[] {
  const random = mulberry32(7);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const memory = new InMemorySpanExporter();
  const tracer = (service: string): ReturnType<BasicTracerProvider['getTracer']> =>
    new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('windows');
  for (const op of OPERATIONS) {
    for (let t = start; t < end - 60_000; t += op.every * (0.5 + random())) {
      const span = tracer(op.service).startSpan(op.name, { kind: SpanKind.SERVER, startTime: t });
      span.end(t + op.medianMs * Math.exp(op.sigma * normal()));
    }
  }
  const once = tracer('users').startSpan('GET /profile', { kind: SpanKind.SERVER, startTime: end - 30 * 60_000 });
  once.end(end - 30 * 60_000 + 7);
  return memory.getFinishedSpans();
}

let server: TestServer;
let queries: Queries;
/** From a whole hour, so every rollup's first bucket is whole; `range`, a minute before the first span, cuts into buckets of 5 minutes and more. */
const whole = { startNs: BigInt(Math.floor(start / 3_600_000) * 3_600_000) * 1_000_000n, endNs: BigInt(end) * 1_000_000n };
const range = { startNs: BigInt(start - 60_000) * 1_000_000n, endNs: BigInt(end) * 1_000_000n };
let sent: ReadableSpan[];

beforeAll(async () => {
  server = await startTestServer({ dependencyIntervalMs: 0 });
  queries = new Queries(server.store.client, server.store.sql);
  sent = traffic();
  const response = await post(`${server.httpUrl}/v1/traces`, protobufRequest(sent), { 'Content-Type': 'application/x-protobuf' });
  expect(response.status).toBe(200);
});
afterAll(async () => {
  await stopTestServer(server);
});

const closeTo = (got: number, want: number): void => expect(Math.abs(got - want)).toBeLessThanOrEqual(want * 1e-9);

describe.each([
  ['one minute', 60],
  ['fifteen minutes, from the five-minute rollup', 900],
  ['one hour, from the hourly rollup', 3600],
])('buckets of %s', (_name, bucketSeconds) => {
  let rows: OperationWindowsRow[];
  beforeAll(async () => {
    rows = await queries.operationWindows(range, bucketSeconds);
  });

  test('every operation is there, its buckets ascending, their calls adding up to the spans sent', async () => {
    const all = await queries.operationWindows(whole, bucketSeconds);
    expect(all.map((r) => `${r.service} ${r.operation}`).sort()).toEqual(['catalog GET /products', 'orders POST /orders', 'users GET /profile']);
    for (const row of all) {
      const spans = sent.filter((s) => s.name === row.operation && s.resource.attributes['service.name'] === row.service).length;
      expect(row.buckets.reduce((n, b) => n + b.calls, 0)).toBe(spans);
      expect(total(row.latency)).toBe(spans);
      expect(row.buckets.map((b) => b.t)).toEqual([...row.buckets.map((b) => b.t)].sort((a, b) => a - b));
      for (const b of row.buckets) expect(b.t % bucketSeconds).toBe(0);
    }
  });

  test("each bucket's p50 and p95 are quantile() of its histogram (a range that cuts into a bucket too), its slowest is the detail's, and the buckets sum to the whole", async () => {
    const keys = rows.flatMap((r) => r.buckets.map((b) => ({ service: r.service, operation: r.operation, t: b.t })));
    const details = await queries.operationWindowDetails(range, bucketSeconds, keys);
    expect(details).toHaveLength(keys.length);
    for (const row of rows) {
      const mine = details.filter((d) => d.service === row.service && d.operation === row.operation);
      for (const b of row.buckets) {
        const d = mine.find((x) => x.t === b.t)!;
        expect(total(d.latency)).toBe(b.calls);
        closeTo(b.p50Ns, quantile(d.latency, 0.5));
        closeTo(b.p95Ns, quantile(d.latency, 0.95));
        expect(b.slowestNs).toBe(d.slowest.durationNs);
        expect(d.slowest.traceId).toMatch(/^[0-9a-f]{32}$/);
      }
      expect(sum(mine.map((d) => d.latency))).toEqual(row.latency);
    }
  });

  test('details come back for just the buckets named', async () => {
    const catalog = rows.find((r) => r.service === 'catalog')!;
    const orders = rows.find((r) => r.service === 'orders')!;
    const asked = [
      { service: 'catalog', operation: 'GET /products', t: catalog.buckets[1]!.t },
      { service: 'orders', operation: 'POST /orders', t: orders.buckets.at(-2)!.t },
      { service: 'orders', operation: 'GET /products', t: catalog.buckets[1]!.t },
    ];
    const got = await queries.operationWindowDetails(range, bucketSeconds, asked);
    expect(got.map((d) => ({ service: d.service, operation: d.operation, t: d.t })).sort((a, b) => a.t - b.t)).toEqual(asked.slice(0, 2).sort((a, b) => a.t - b.t));
    expect(await queries.operationWindowDetails(range, bucketSeconds, [])).toEqual([]);
  });
});

test('a bucket of one span has that span as its p50, p95 and slowest, within its log bucket', async () => {
  const [row] = (await queries.operationWindows(range, 60)).filter((r) => r.service === 'users');
  expect(row!.buckets).toHaveLength(1);
  const [b] = row!.buckets;
  expect(b!.slowestNs).toBe(7_000_000);
  expect(row!.latency).toEqual(histogramOf([Math.floor(8 * Math.log2(7_000_000))], [1]));
  for (const q of [b!.p50Ns, b!.p95Ns]) expect(Math.abs(Math.log2(q / 7_000_000))).toBeLessThan(1 / 8);
});
