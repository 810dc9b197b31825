/**
 * One request cannot fail everyone batched with it (issue 12, item 4). Spans
 * spread over more than 100 days made ClickHouse refuse the whole insert
 * (TOO_MANY_PARTS); Hindsight answered 503, marked the store down and refused
 * every request for a second after it. Now a batch is cut by day, requests
 * spread over many days wait apart and give way to others, and an insert that
 * fails for a reason not known to be the store's is retried request by request:
 * only the guilty request fails, and the store stays up.
 */
import { SpanKind } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { makeSimpleTrace, protobufRequest } from '../support/spans';
import { post, type RawResponse } from '../support/http';
import { queryRows, startFaultyServer, stopTestServer, type FaultyTestServer } from '../support/server';

const DAY_MS = 86_400_000;
const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };

let server: FaultyTestServer;
beforeAll(async () => {
  // Retention long enough for spans 130 days old to be valid; one insert at a time,
  // so that requests arriving during an insert share the next one.
  server = await startFaultyServer({ retentionDays: 400, insertConcurrency: 1 });
});
afterAll(async () => {
  server.faults.setPoison(undefined);
  await stopTestServer(server);
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `perDay` spans a day, `days` days back from `fromDaysAgo`: a valid request whose rows touch `days` partitions. */
function spreadSpans(service: string, days: number, fromDaysAgo = 0, perDay = 1): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('poison');
  const now = Date.now() - 3_600_000;
  for (let i = 0; i < days; i++) {
    for (let j = 0; j < perDay; j++) {
      const start = now - (fromDaysAgo + i) * DAY_MS + j;
      tracer.startSpan(`day ${i}`, { kind: SpanKind.SERVER, startTime: start }).end(start + 5);
    }
  }
  return memory.getFinishedSpans();
}

const send = (spans: ReadableSpan[]): Promise<RawResponse> => post(`${server.httpUrl}/v1/traces`, protobufRequest(spans), PROTOBUF);

async function storedSpans(service: string): Promise<number> {
  const rows = await queryRows<{ n: string }>(server.store.client, `SELECT count() AS n FROM ${server.config.database}.otel_traces WHERE ServiceName = {service:String}`, { service });
  return Number(rows[0]?.n);
}

async function storeUp(): Promise<boolean> {
  return /^hindsight_store_up 1$/m.test(await (await fetch(`${server.httpUrl}/metrics`)).text());
}

/** Runs `body` until `until`, sequentially; the loop's own pace is the request's round trip plus `pauseMs`. */
async function loop(until: number, pauseMs: number, body: () => Promise<void>): Promise<void> {
  while (Date.now() < until) {
    await body();
    if (pauseMs > 0) await sleep(pauseMs);
  }
}

/**
 * A large request holds the one insert slot while `requests` arrive, so they share
 * the next insert, as concurrent exporters' requests do.
 */
async function batchedTogether(requests: ReadableSpan[][]): Promise<RawResponse[]> {
  const blocker = send(makeSimpleTrace({ service: 'blocker', children: 20_000 }));
  await sleep(30);
  const responses = await Promise.all(requests.map(send));
  expect((await blocker).status).toBe(200);
  return responses;
}

/** The legitimate client: loops posting a small trace, recording statuses and round trips. */
function legitimateClient(until: number, loops: number, statuses: number[], latencies: number[]): Promise<void>[] {
  return Array.from({ length: loops }, () =>
    loop(until, 10, async () => {
      const started = performance.now();
      statuses.push((await send(makeSimpleTrace({ service: 'legit', children: 2, childService: 'legit' }))).status);
      latencies.push(performance.now() - started);
    }),
  );
}

function percentiles(latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number): number => Math.round(sorted[Math.floor(q * (sorted.length - 1))] ?? 0);
  return `p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms`;
}

test('a client sending spans over 130 days every 200 ms leaves a legitimate client served and the store up', async () => {
  // The same client alone first, for its latency without the attack.
  const quietStatuses: number[] = [];
  const quiet: number[] = [];
  await Promise.all(legitimateClient(Date.now() + 3_000, 6, quietStatuses, quiet));
  expect(quietStatuses.every((status) => status === 200)).toBe(true);
  const until = Date.now() + 10_000;
  const legit: number[] = [];
  const latencies: number[] = [];
  const poison: Promise<number>[] = [];
  const readiness: number[] = [];
  const storeUpSamples: boolean[] = [];
  await Promise.all([
    // The attacker sends every 200 ms whatever the answers, and varies each request so
    // that it is never answered from the recent-request memory.
    loop(until, 200, async () => {
      poison.push(send(spreadSpans('poison', 130)).then((r) => r.status));
    }),
    ...legitimateClient(until, 6, legit, latencies),
    loop(until, 100, async () => {
      readiness.push((await fetch(`${server.httpUrl}/readyz`)).status);
    }),
    loop(until, 500, async () => {
      storeUpSamples.push(await storeUp());
    }),
  ]);
  const acknowledged = legit.filter((status) => status === 200).length;
  const poisonStatuses = await Promise.all(poison);
  const poisonStored = poisonStatuses.filter((status) => status === 200).length;
  process.stdout.write(
    `[poison] legitimate client: ${acknowledged}/${legit.length} acknowledged, latency ${percentiles(latencies)} (alone: ${percentiles(quiet)}); ` +
      `poison requests: ${poison.length}, ${poisonStored} stored, ${poisonStatuses.filter((s) => s === 429).length} told to retry later (429)\n`,
  );
  expect(legit.length).toBeGreaterThanOrEqual(20);
  expect(acknowledged / legit.length).toBeGreaterThanOrEqual(0.99);
  expect(readiness.length).toBeGreaterThan(20);
  expect(readiness.filter((status) => status !== 200)).toEqual([]);
  expect(storeUpSamples.length).toBeGreaterThan(5);
  expect(storeUpSamples.every(Boolean)).toBe(true);
  // The spread requests are valid: cut by day, they are stored whole, one batch at a
  // time; past the one batch that may wait, the sender is told to retry later.
  expect(poisonStored).toBeGreaterThan(0);
  expect(poisonStatuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
  expect(await storedSpans('poison')).toBe(130 * poisonStored);
  expect(await storedSpans('legit')).toBe(3 * (acknowledged + quiet.length));
}, 60_000);

test('two requests of 60 days each, accepted alone, are accepted together', async () => {
  const [older, newer] = await batchedTogether([spreadSpans('sixty-a', 60, 60), spreadSpans('sixty-b', 60)]);
  expect([older!.status, newer!.status]).toEqual([200, 200]);
  expect(await storedSpans('sixty-a')).toBe(60);
  expect(await storedSpans('sixty-b')).toBe(60);
});

test('spread requests wait apart, one batch at most: past it they are told to retry, and others are not held up', async () => {
  // 30,000 spans over 10 days each: one is inserted, one waits, the next would exceed a batch (50,000 spans).
  const bodies = Array.from({ length: 4 }, (_, i) => protobufRequest(spreadSpans(`bulk-${i}`, 10, 0, 3_000)));
  const bulk = bodies.map((body) => post(`${server.httpUrl}/v1/traces`, body, PROTOBUF));
  await sleep(200);
  const common = await send(makeSimpleTrace({ service: 'beside-bulk' }));
  const statuses = (await Promise.all(bulk)).map((r) => r.status);
  expect(common.status).toBe(200);
  expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
  expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
  for (const [i, status] of statuses.entries()) expect(await storedSpans(`bulk-${i}`)).toBe(status === 200 ? 30_000 : 0);
}, 60_000);

describe('rows the engine refuses fail their own request alone', () => {
  afterEach(() => server.faults.setPoison(undefined));

  test.each([
    // An error that blames the rows: the request fails for good (500), its neighbours are stored.
    ['a row error', '27', 'CANNOT_PARSE_INPUT_ASSERTION_FAILED', 500],
    // An error nobody can place: retryable for the request, but the store is not taken down for it.
    ['an error of unknown cause', '1002', 'UNKNOWN_EXCEPTION', 503],
  ])('%s', async (_name, code, type, guiltyStatus) => {
    const marker = `guilty-${code}`;
    server.faults.setPoison({ marker, code, type });
    const [guilty, ...innocent] = await batchedTogether([
      makeSimpleTrace({ service: marker }),
      makeSimpleTrace({ service: `innocent-${code}-1`, children: 1, childService: `innocent-${code}-1` }),
      makeSimpleTrace({ service: `innocent-${code}-2`, children: 1 }),
    ]);
    expect(guilty!.status).toBe(guiltyStatus);
    expect(guilty!.body.toString()).toContain(type);
    expect(innocent.map((r) => r.status)).toEqual([200, 200]);
    expect(await storedSpans(`innocent-${code}-1`)).toBe(2);
    expect(await storedSpans(marker)).toBe(0);
    expect((await fetch(`${server.httpUrl}/readyz`)).status).toBe(200);
    expect(await storeUp()).toBe(true);
    // And the next request goes straight through.
    expect((await send(makeSimpleTrace({ service: `after-${code}` }))).status).toBe(200);
  });
});
