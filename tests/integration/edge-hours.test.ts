/**
 * The hourly edge roll-up (migration 10): the edge job rolls each hour it has covered whole into
 * hindsight_service_edges_1h, and the dependency map reads those hours from it and only the
 * minutes at either end from the per-minute table. The answer is the one the minutes alone give:
 * the same calls, and the same quantiles from the same summed latency histogram. Late spans into a
 * rolled hour rewrite it, counted once; minutes written before the histogram existed keep their
 * t-digest latency, and the roll-up starts after them.
 */
import { SpanKind, context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { createLogger } from '../../common/log';
import { EdgeJob } from '../../collector/jobs/edges';
import type { DependenciesResponse } from '../../viewer/api/types';
import { histogramOf, quantile } from '../../viewer/query/latency-histogram';
import type { Store } from '../../storage/store';
import { mulberry32 } from '../support/mutate';
import { protobufRequest } from '../support/spans';
import { post } from '../support/http';
import { queryRows, startTestServer, stopTestServer, type TestServer } from '../support/server';
import { closeTestStore, openTestStore } from '../support/test-store';

const HOUR = 3600;
const nowS = (): number => Math.floor(Date.now() / 1000);

/** A `parent` server span calling a `child` server span that lasts `childMs`, at `startMs`. */
function pair(parent: string, child: string, startMs: number, childMs: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const tracer = (service: string): ReturnType<BasicTracerProvider['getTracer']> =>
    new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('edge-hours');
  const root = tracer(parent).startSpan('GET /order', { kind: SpanKind.SERVER, startTime: startMs });
  const call = tracer(child).startSpan('POST /charge', { kind: SpanKind.SERVER, startTime: startMs + 1 }, trace.setSpan(context.active(), root));
  call.end(startMs + 1 + childMs);
  root.end(startMs + 2 + childMs);
  return memory.getFinishedSpans();
}

describe('a map over hours the job has rolled up', () => {
  let server: TestServer;
  const job = (): EdgeJob => new EdgeJob(server.store.client, server.store.sql, { lagSeconds: 60, intervalMs: 60_000, settleSeconds: 1 }, createLogger({ logLevel: 'silent' }));
  const send = async (spans: ReadableSpan[]): Promise<void> => {
    expect((await post(`${server.httpUrl}/v1/traces`, protobufRequest(spans), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
  };
  const map = async (lookback: string): Promise<DependenciesResponse> => (await fetch(`${server.uiUrl}/api/v1/dependencies?lookback=${lookback}`)).json() as Promise<DependenciesResponse>;
  const edge = (m: DependenciesResponse, parent: string): DependenciesResponse['edges'][number] | undefined => m.edges.find((e) => e.parent === parent);
  /** The edge as the per-minute table alone has it: calls, and the quantiles of its summed histogram. */
  const fromMinutes = async (parent: string, sinceS: number): Promise<{ calls: number; p50Ns: number; p95Ns: number; p99Ns: number }> => {
    const [row] = await queryRows<{ calls: string; buckets: number[]; counts: string[] }>(
      server.store.client,
      `SELECT sum(Calls) AS calls, mapKeys(sumMap(LatencyHistogram)) AS buckets, mapValues(sumMap(LatencyHistogram)) AS counts
       FROM ${server.store.database}.hindsight_service_edges_1m WHERE Parent = {parent:String} AND Minute >= toStartOfMinute(toDateTime({since:UInt32}))`,
      { parent, since: sinceS },
    );
    const h = histogramOf(row!.buckets, row!.counts);
    return { calls: Number(row!.calls), p50Ns: Math.round(quantile(h, 0.5)), p95Ns: Math.round(quantile(h, 0.95)), p99Ns: Math.round(quantile(h, 0.99)) };
  };

  const durations: number[] = [];
  beforeAll(async () => {
    // The test drives the job itself.
    server = await startTestServer({ dependencyIntervalMs: 0 });
    const random = mulberry32(10);
    const spans: ReadableSpan[] = [];
    // A call every two minutes from 3 h 10 min ago to 5 min ago: at least two whole hours.
    for (let ago = 190; ago >= 5; ago -= 2) {
      const ms = Math.round(5 + 200 * random() ** 3);
      durations.push(ms);
      spans.push(...pair('web', 'payments', Date.now() - ago * 60_000, ms));
    }
    await send(spans);
  });
  afterAll(async () => {
    await stopTestServer(server);
  });

  test('the job rolls whole hours up, and the map over them gives what the minutes alone give', async () => {
    await job().runOnce(nowS());
    const [rolled] = await queryRows<{ hours: string; calls: string; minuteCalls: string }>(
      server.store.client,
      `SELECT uniqExact(Hour) AS hours, sum(Calls) AS calls,
              (SELECT sum(Calls) FROM ${server.store.database}.hindsight_service_edges_1m WHERE Minute < (SELECT max(Hour) + INTERVAL 1 HOUR FROM ${server.store.database}.hindsight_service_edges_1h)) AS minuteCalls
       FROM ${server.store.database}.hindsight_service_edges_1h`,
    );
    expect(Number(rolled!.hours)).toBeGreaterThanOrEqual(2);
    expect(Number(rolled!.calls)).toBe(Number(rolled!.minuteCalls));

    const since = nowS() - 4 * HOUR;
    const got = edge(await map('4h'), 'web');
    const want = await fromMinutes('web', since);
    expect(want.calls).toBe(durations.length);
    expect(got).toMatchObject({ parent: 'web', child: 'payments', kind: 'service', calls: durations.length, errors: 0 });
    expect({ p50Ns: got!.p50Ns, p95Ns: got!.p95Ns, p99Ns: got!.p99Ns }).toEqual({ p50Ns: want.p50Ns, p95Ns: want.p95Ns, p99Ns: want.p99Ns });
    // And within a bucket's width of the exact median of what was sent.
    const exact = [...durations].sort((a, b) => a - b)[Math.floor(durations.length / 2)]! * 1e6;
    expect(Math.abs(got!.p50Ns - exact) / exact).toBeLessThan(0.1);
  });

  test('late spans into a rolled hour rewrite it: new edges appear, and nothing is counted twice', async () => {
    await send([...pair('late-web', 'payments', Date.now() - 100 * 60_000, 40), ...pair('web', 'payments', Date.now() - 100 * 60_000, 40)]);
    // Late arrivals are handled once they have settled (settleSeconds 1).
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await job().runOnce(nowS());
    const m = await map('4h');
    expect(edge(m, 'late-web')).toMatchObject({ child: 'payments', calls: 1 });
    expect(edge(m, 'web')?.calls).toBe(durations.length + 1);
    const [hours] = await queryRows<{ calls: string }>(server.store.client, `SELECT sum(Calls) AS calls FROM ${server.store.database}.hindsight_service_edges_1h WHERE Parent = 'late-web'`);
    expect(Number(hours!.calls)).toBe(1);
  });
});

describe('a store upgraded to migration 10', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(async () => {
    await closeTestStore(store);
  });

  test('minutes without a histogram keep their t-digest latency on the map, and the roll-up starts in the first hour after them', async () => {
    const db = store.database;
    const hour = Math.floor(nowS() / HOUR) * HOUR - 5 * HOUR;
    // Written before the upgrade: a t-digest, no histogram; half an hour into `hour`.
    await store.client.command({
      query: `INSERT INTO ${db}.hindsight_service_edges_1m (Minute, Parent, Child, Kind, Calls, Errors, Latency)
              SELECT toDateTime(${hour + 1800}), 'old', 'db', 'external', 3, 0, quantilesTDigestState(0.5, 0.95, 0.99)(toUInt64(7000000)) FROM numbers(3)`,
    });
    // Written after it, from the next minute up to the watermark: histograms.
    await store.client.command({
      query: `INSERT INTO ${db}.hindsight_service_edges_1m (Minute, Parent, Child, Kind, Calls, Errors, LatencyHistogram)
              SELECT toDateTime(${hour + 1860} + number * 60), 'new', 'db', 'external', 1, 0, map(toUInt16(floor(8 * log2(9000000))), toUInt64(1)) FROM numbers(149)`,
    });
    await store.client.command({ query: `INSERT INTO ${db}.hindsight_jobs (Name, Watermark) VALUES ('service_edges', toDateTime(${hour + 3 * HOUR}))` });
    const job = new EdgeJob(store.client, store.sql, { lagSeconds: 60, intervalMs: 60_000, settleSeconds: 1 }, createLogger({ logLevel: 'silent' }));
    await job.runOnce(hour + 3 * HOUR + 120);
    const rolled = await queryRows<{ hour: number; calls: string }>(
      store.client,
      `SELECT toUnixTimestamp(Hour) AS hour, sum(Calls) AS calls FROM ${db}.hindsight_service_edges_1h GROUP BY Hour ORDER BY Hour`,
    );
    // Not the hour holding the old minute: its digest is in no hourly row.
    expect(rolled.map((r) => [Number(r.hour), Number(r.calls)])).toEqual([
      [hour + HOUR, 60],
      [hour + 2 * HOUR, 60],
    ]);

    const { Queries } = await import('../../viewer/query/queries');
    const { dependencyMap } = await import('../../viewer/query/dependencies');
    const range = { startNs: BigInt(hour) * 1_000_000_000n, endNs: BigInt(hour + 3 * HOUR) * 1_000_000_000n };
    const m = dependencyMap(await new Queries(store.client, store.sql).dependencies(range), [], range);
    const old = m.edges.find((e) => e.parent === 'old')!;
    expect(old.calls).toBe(3);
    expect(Math.abs(old.p50Ns - 7_000_000)).toBeLessThan(100_000);
    const recent = m.edges.find((e) => e.parent === 'new')!;
    expect(recent.calls).toBe(149);
    expect(Math.abs(recent.p50Ns - 9_000_000) / 9_000_000).toBeLessThan(0.1);
  });
});
