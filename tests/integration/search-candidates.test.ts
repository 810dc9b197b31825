/**
 * Search over more traces than a sort's candidate limit (MAX_CANDIDATE_TRACES). The candidates
 * are the newest matching rows of hindsight_trace_summaries by its key (hour, trace id); the
 * statement finds the edge row and reads from it on. Here the edge falls inside the older of two
 * hours, so both halves of the edge filter count: every row of the newer hour, and the rows of the
 * edge's hour from its trace id up. Each answer is checked against the same rule worked out in
 * the test from every stored row, and newest against the traces' own start times. A newest search
 * by a span attribute reads the last hour first and widens only when it holds too few matches.
 */
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { TraceSearchResponse } from '../../viewer/api/types';
import { MAX_CANDIDATE_TRACES } from '../../viewer/query/queries';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

let server: TestServer;
const PER_HOUR = 6_000;
/** Start (ms) and duration (ms) of every trace, by id. */
const made = new Map<string, { startMs: number; durationMs: number; shard: string }>();
const RECENT = 5;

/** A seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

async function send(spans: ReadableSpan[]): Promise<void> {
  const exporter = new OTLPTraceExporter({ url: `${server.httpUrl}/v1/traces` });
  await new Promise<void>((resolve, reject) => exporter.export(spans, (r) => (r.code === 0 ? resolve() : reject(r.error))));
  await exporter.shutdown();
}

async function sql<T>(query: string): Promise<T[]> {
  const response = await fetch(`${server.uiUrl}/api/v1/sql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query }) });
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: T[] }).data;
}

async function search(query: string): Promise<string[]> {
  const response = await fetch(`${server.uiUrl}/api/v1/traces?${query}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as TraceSearchResponse).traces.map((t) => t.traceId);
}

beforeAll(async () => {
  server = await startTestServer();
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'shop' }), spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('candidates');
  const next = random(7);
  // Two whole hours before the current one: the older holds the edge.
  const hourMs = 3_600_000;
  const thisHour = Math.floor(Date.now() / hourMs) * hourMs;
  for (const hourStart of [thisHour - 2 * hourMs, thisHour - hourMs]) {
    for (let i = 0; i < PER_HOUR; i++) {
      // Distinct starts, half a second apart: newest has one right order.
      const startMs = hourStart + 60_000 + i * 500;
      const durationMs = 1 + Math.floor(next() ** 4 * 5_000);
      const span = tracer.startSpan('GET /item', { startTime: startMs, attributes: { shard: i % 7 === 0 ? 'a' : 'b' } });
      span.end(startMs + durationMs);
      made.set(span.spanContext().traceId, { startMs, durationMs, shard: i % 7 === 0 ? 'a' : 'b' });
    }
  }
  // A few in the last hour, too few for a page of `shard=a` on their own.
  for (let i = 0; i < RECENT; i++) {
    const startMs = Date.now() - 600_000 + i * 60_000;
    const span = tracer.startSpan('GET /item', { startTime: startMs, attributes: { shard: 'a' } });
    span.end(startMs + 10);
    made.set(span.spanContext().traceId, { startMs, durationMs: 10, shard: 'a' });
  }
  const spans = memory.getFinishedSpans();
  for (let i = 0; i < spans.length; i += 2_000) await send(spans.slice(i, i + 2_000));
}, 120_000);
afterAll(async () => {
  await stopTestServer(server);
});

test('a sort reads the newest candidates by the summaries key, the edge inside the older hour', async () => {
  expect(made.size).toBeGreaterThan(MAX_CANDIDATE_TRACES);
  const rows = await sql<{ TraceId: string; bucket: number; durationNs: string }>(
    `SELECT TraceId, toUnixTimestamp(Bucket) AS bucket, toString(toUnixTimestamp64Nano(max(End)) - toUnixTimestamp64Nano(min(Start))) AS durationNs
     FROM hindsight_trace_summaries GROUP BY Bucket, TraceId`,
  );
  expect(rows).toHaveLength(made.size);
  const byKey = [...rows].sort((a, b) => b.bucket - a.bucket || (a.TraceId < b.TraceId ? 1 : a.TraceId > b.TraceId ? -1 : 0));
  const candidates = byKey.slice(0, MAX_CANDIDATE_TRACES);
  const edge = candidates.at(-1)!;
  // The edge is in the older hour, with rows of that hour on both sides of it.
  expect(edge.bucket).toBe(byKey.at(-1)!.bucket);
  expect(byKey.at(-1)!.TraceId < edge.TraceId).toBe(true);
  const slowest = [...candidates]
    .sort((a, b) => Number(BigInt(b.durationNs) - BigInt(a.durationNs)))
    .slice(0, 20)
    .map((r) => Number(BigInt(r.durationNs) / 1_000_000n));
  const found = await search('lookback=3h&sort=slowest&limit=20');
  expect(found.map((id) => made.get(id)!.durationMs)).toEqual(slowest);
  // Some of the slowest traces of the whole set lie before the edge, so the cut is what was tested.
  const everySlowest = [...made.values()].map((t) => t.durationMs).sort((a, b) => b - a);
  expect(everySlowest.slice(0, 20)).not.toEqual(slowest);
});

test('newest summarizes only the traces it shows, and they are the newest by start', async () => {
  const newest = [...made.entries()]
    .sort((a, b) => b[1].startMs - a[1].startMs)
    .slice(0, 20)
    .map(([id]) => id);
  expect(await search('lookback=3h&limit=20')).toEqual(newest);
  expect(await search('lookback=3h&limit=20&service=shop')).toEqual(newest);
});

test('newest by a span attribute widens past the last hour when it holds too few matches', async () => {
  const newest = (shard: string) =>
    [...made.entries()]
      .filter(([, t]) => t.shard === shard)
      .sort((a, b) => b[1].startMs - a[1].startMs)
      .slice(0, 20)
      .map(([id]) => id);
  // The last hour has RECENT of shard a, so the answer reaches into the hours before it.
  expect(await search('lookback=3h&limit=20&attr=shard%3Da')).toEqual(newest('a'));
  // The last hour alone answers a page of shard b.
  expect(await search('lookback=3h&limit=20&attr=shard%3Db')).toEqual(newest('b'));
  expect(await search(`lookback=3h&limit=${RECENT}&attr=shard%3Da`)).toEqual(newest('a').slice(0, RECENT));
});
