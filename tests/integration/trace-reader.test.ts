/**
 * The trace reader over the real named queries on real chDB, with spans made by the
 * OpenTelemetry SDK and sent to the real OTLP endpoint; and the outliers route it answers.
 */
import { context, trace, SpanKind, SpanStatusCode, type Span as SdkSpan, type Tracer } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { HindsightError } from '../../common/errors';
import { TRACE_ID_TS_TABLE, TRACES_TABLE } from '../../storage/schema';
import type { ApiError, OutliersResponse } from '../../viewer/api/types';
import { OUTLIER_MIN_SAMPLES } from '../../viewer/query/outliers';
import { Queries, type TraceFilters, type TraceSummaryRow } from '../../viewer/query/queries';
import { TraceReader } from '../../viewer/query/reader';
import { mulberry32 } from '../support/mutate';
import { post } from '../support/http';
import { protobufRequest } from '../support/spans';
import { queryRows, startTestServer, stopTestServer, type TestServer } from '../support/server';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const ns = (ms: number): bigint => BigInt(ms) * 1_000_000n;

/** The reader's clock: outliers are judged against the week up to it. A whole minute, so span times are whole too. */
const NOW = Math.floor(Date.now() / MINUTE) * MINUTE;

const memory = new InMemorySpanExporter();
const tracers = new Map<string, Tracer>();

/** A span of `service` from `startMs`, `durationMs` long, under `parent` when given. */
function record(service: string, name: string, startMs: number, durationMs: number, o: { parent?: SdkSpan; kind?: SpanKind; error?: boolean } = {}): SdkSpan {
  let tracer = tracers.get(service);
  if (tracer === undefined) {
    tracer = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('trace-reader-tests');
    tracers.set(service, tracer);
  }
  const parent = o.parent === undefined ? context.active() : trace.setSpan(context.active(), o.parent);
  const span = tracer.startSpan(name, { kind: o.kind ?? SpanKind.SERVER, startTime: startMs }, parent);
  if (o.error) span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
  span.end(startMs + durationMs);
  return span;
}

const traceIdOf = (span: SdkSpan): string => span.spanContext().traceId;
const spanIdOf = (span: SdkSpan): string => span.spanContext().spanId;

// A trace of two services: the root waits 200 ms, calls the database for 500 ms, then works 300 ms more.
const storedStart = NOW - 20 * MINUTE;
const storedRoot = record('shop', 'GET /stored', storedStart, 1000);
const storedChild = record('shop-db', 'SELECT items', storedStart + 200, 500, { parent: storedRoot, kind: SpanKind.CLIENT });

// A trace whose spans are deleted after they are stored: its lookup row stays behind.
const gone = record('shop', 'GET /gone', NOW - 20 * MINUTE, 10);

// Two traces a search finds; one of them is deleted between the search and the reading of its spans.
const kept = record('race', 'GET /kept', NOW - 15 * MINUTE, 10);
const vanishing = record('race', 'GET /vanishing', NOW - 14 * MINUTE, 10);

// Services of a range nothing else is in: four spans of `rates-a`, one failing, and two of `rates-b`.
const ratesStart = NOW - 12 * 60 * MINUTE;
for (let i = 0; i < 4; i++) record('rates-a', 'GET /a', ratesStart + i * 1000, 10, { error: i === 0 });
for (let i = 0; i < 2; i++) record('rates-b', 'GET /b', ratesStart + i * 1000, 10);

/**
 * Baseline durations on three plateaus of 90, 100 and 110 ms: every quartile the store
 * interpolates falls inside a plateau, so the baseline's median is exactly 100 ms and its
 * spread ln(110/90) / 1.349, whichever few slow spans join it.
 */
const plateau = (i: number): number => [90, 100, 110][i % 3]!;
const PLATEAU_Z_OF_1S = Math.log(1000 / 100) / (Math.log(110 / 90) / 1.349);

/**
 * Operations of the judged trace, each with spans around the reader's clock. The judged trace's
 * own spans fall in the week too, so each operation counts them: `weekly` and `exact` have a
 * baseline of at least OUTLIER_MIN_SAMPLES spans in the week up to now; `fewer`, `stale` and `future`
 * have one only if the baseline also counted a span too few, older than a week, or after now.
 */
const judgedStart = NOW - 10 * MINUTE;
const baselineSpans: Record<string, { inWeek: number; olderThanWeek: number; afterNow: number }> = {
  weekly: { inWeek: 60, olderThanWeek: 0, afterNow: 0 },
  exact: { inWeek: OUTLIER_MIN_SAMPLES - 1, olderThanWeek: 0, afterNow: 0 },
  fewer: { inWeek: OUTLIER_MIN_SAMPLES - 2, olderThanWeek: 0, afterNow: 0 },
  stale: { inWeek: OUTLIER_MIN_SAMPLES - 2, olderThanWeek: 12, afterNow: 0 },
  future: { inWeek: OUTLIER_MIN_SAMPLES - 2, olderThanWeek: 0, afterNow: 12 },
};
for (const [operation, n] of Object.entries(baselineSpans)) {
  for (let i = 0; i < n.inWeek; i++) record('db', operation, NOW - DAY - i * MINUTE, plateau(i), { kind: SpanKind.CLIENT });
  for (let i = 0; i < n.olderThanWeek; i++) record('db', operation, NOW - 8 * DAY - i * MINUTE, plateau(i), { kind: SpanKind.CLIENT });
  for (let i = 0; i < n.afterNow; i++) record('db', operation, NOW + 5 * MINUTE + i * 1000, plateau(i), { kind: SpanKind.CLIENT });
}
const judgedRoot = record('shop', 'GET /judged', judgedStart, 2000);
const judged = {
  slowWeekly: record('db', 'weekly', judgedStart + 1, 1000, { parent: judgedRoot, kind: SpanKind.CLIENT }),
  usualWeekly: record('db', 'weekly', judgedStart + 1, 100, { parent: judgedRoot, kind: SpanKind.CLIENT }),
  slowExact: record('db', 'exact', judgedStart + 1, 1000, { parent: judgedRoot, kind: SpanKind.CLIENT }),
  slowFewer: record('db', 'fewer', judgedStart + 1, 1000, { parent: judgedRoot, kind: SpanKind.CLIENT }),
  slowStale: record('db', 'stale', judgedStart + 1, 1000, { parent: judgedRoot, kind: SpanKind.CLIENT }),
  slowFuture: record('db', 'future', judgedStart + 1, 1000, { parent: judgedRoot, kind: SpanKind.CLIENT }),
};

// For the route, whose clock is the real one: 400 spans of one query over the last days, lognormal
// around 100 ms with a spread of 0.05 in ln(duration), then one request with that query 12σ, 4σ
// and 0σ slow.
const QUERY = { service: 'orders-db', name: 'SELECT orders', medianMs: 100, sigma: 0.05 };
const random = mulberry32(13);
const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
for (let i = 0; i < 400; i++) record(QUERY.service, QUERY.name, NOW - 2 * DAY + i * MINUTE, QUERY.medianMs * Math.exp(QUERY.sigma * normal()), { kind: SpanKind.CLIENT });
const requestStart = NOW - 5 * MINUTE;
const request = record('orders', 'GET /orders', requestStart, 1000);
const queryAt = (z: number): SdkSpan => record(QUERY.service, QUERY.name, requestStart + 1, QUERY.medianMs * Math.exp(QUERY.sigma * z), { parent: request, kind: SpanKind.CLIENT });
const requestQueries = { critical: queryAt(12), warning: queryAt(4), usual: queryAt(0) };

// An operation first seen 50 minutes into an hour three hours ago: its baseline's age must be
// read to the minute, not from the hourly rollup's row, which would date it from the hour's start.
const HOUR = 60 * MINUTE;
const newcomerHour = Math.floor(NOW / HOUR) * HOUR - 3 * HOUR;
const newcomerFirst = newcomerHour + 50 * MINUTE;
for (let i = 0; i < 40; i++) record('newcomer', 'GET /new', newcomerFirst + i * 10_000, 20);

let server: TestServer;
let queries: Queries;
let reader: TraceReader;

async function deleteSpans(traceId: string): Promise<void> {
  await server.store.client.command({
    query: `ALTER TABLE ${server.config.database}.${TRACES_TABLE} DELETE WHERE TraceId = {traceId:String} SETTINGS mutations_sync = 2`,
    query_params: { traceId },
  });
}

beforeAll(async () => {
  // A retention longer than the week of baseline, so spans older than it are stored too.
  server = await startTestServer({ dependencyIntervalMs: 0, retentionDays: 30 });
  const spans = memory.getFinishedSpans();
  for (let i = 0; i < spans.length; i += 2000) {
    const response = await post(`${server.httpUrl}/v1/traces`, protobufRequest(spans.slice(i, i + 2000)), { 'Content-Type': 'application/x-protobuf' });
    expect(response.status).toBe(200);
  }
  await deleteSpans(traceIdOf(gone));
  queries = new Queries(server.store.client, server.store.sql);
  reader = new TraceReader(queries, () => NOW);
});
afterAll(async () => {
  await stopTestServer(server);
});

describe('a trace that is not stored is HS_NOT_FOUND, for every question about it', () => {
  const unknown = 'cd'.repeat(16);

  test('the deleted trace is still in the lookup table, the unknown one is not', async () => {
    const known = async (id: string): Promise<number> =>
      (await queryRows<{ n: string }>(server.store.client, `SELECT count() AS n FROM ${server.config.database}.${TRACE_ID_TS_TABLE} WHERE TraceId = {id:String}`, { id }))
        .map((r) => Number(r.n))
        .reduce((a, b) => a + b, 0);
    expect(await known(traceIdOf(gone))).toBeGreaterThan(0);
    expect(await known(unknown)).toBe(0);
  });

  test.each([
    ['trace', (id: string) => reader.trace(id)],
    ['critical path', (id: string) => reader.criticalPath(id)],
    ['outliers', (id: string) => reader.outliers(id)],
  ])('%s', async (_name, ask) => {
    for (const id of [traceIdOf(gone), unknown]) {
      const error = await ask(id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HindsightError);
      expect(error).toMatchObject({ code: 'HS_NOT_FOUND', httpStatus: 404, message: `trace ${id} not found` });
    }
  });
});

test('a stored trace comes back as API spans', async () => {
  const answer = await reader.trace(traceIdOf(storedRoot));
  expect(answer.traceId).toBe(traceIdOf(storedRoot));
  expect(answer.spans.map((s) => [s.spanId, s.parentSpanId, s.service, s.name, s.kind, s.startNs, s.durationNs]).sort()).toEqual(
    [
      [spanIdOf(storedRoot), '', 'shop', 'GET /stored', 'Server', String(ns(storedStart)), '1000000000'],
      [spanIdOf(storedChild), spanIdOf(storedRoot), 'shop-db', 'SELECT items', 'Client', String(ns(storedStart + 200)), '500000000'],
    ].sort(),
  );
});

test('the critical path is answered in Unix nanoseconds, as decimal strings', async () => {
  const path = await reader.criticalPath(traceIdOf(storedRoot));
  const at = (ms: number): string => String(ns(storedStart + ms));
  expect(path.traceId).toBe(traceIdOf(storedRoot));
  expect(path.warnings).toEqual([]);
  expect(path.segments.map((s) => [s.spanId, s.start, s.end, s.selfTime])).toEqual([
    [spanIdOf(storedRoot), at(0), at(200), '200000000'],
    [spanIdOf(storedChild), at(200), at(700), '500000000'],
    [spanIdOf(storedRoot), at(700), at(1000), '300000000'],
  ]);
});

test('outliers: baselines of the week up to now, at least OUTLIER_MIN_SAMPLES spans each, then scored', async () => {
  const answer = await reader.outliers(traceIdOf(judgedRoot));
  expect(answer.traceId).toBe(traceIdOf(judgedRoot));
  expect(answer.outliers.map((o) => o.spanId).sort()).toEqual([spanIdOf(judged.slowWeekly), spanIdOf(judged.slowExact)].sort());
  // The baseline is read from a latency histogram (8 buckets per doubling): its median within a
  // few percent, its spread coarser on three plateaus than on real traffic.
  for (const o of answer.outliers) {
    expect(o.severity).toBe('critical');
    expect(o.z).toBeGreaterThan(PLATEAU_Z_OF_1S * 0.75);
    expect(Math.abs(o.baselineP50Ns / 100_000_000 - 1)).toBeLessThan(0.03);
  }
});

test("a baseline's first span is read to the minute where it decides youth, to the hour before that", async () => {
  const since = async (endMs: number, youngSeconds: number): Promise<number | undefined> => {
    const rows = await queries.baselines({ startNs: ns(endMs - 10 * MINUTE), endNs: ns(endMs) }, ns(NOW - 7 * DAY), 1, youngSeconds);
    return rows.find((r) => r.service === 'newcomer')?.since;
  };
  // Twenty minutes old at the end of the range: young under an hour's minimum, and dated exactly.
  expect(await since(newcomerHour + 70 * MINUTE, 3600)).toBe(newcomerFirst / 1000);
  // Two and a half hours later, an hour's minimum needs no minutes of that hour: the hourly row dates it.
  expect(await since(newcomerHour + 220 * MINUTE, 3600)).toBe(newcomerHour / 1000);
  // A longer minimum reaches back to it again.
  expect(await since(newcomerHour + 220 * MINUTE, 4 * 3600)).toBe(newcomerFirst / 1000);
});

test('a search with spans leaves out a trace whose spans are gone by the time they are read', async () => {
  const searched: string[] = [];
  // The real queries, with the trace deleted between the search and the reading of its spans,
  // as retention dropping its partition at that moment would.
  class DeletingAfterSearch extends Queries {
    override async searchTraces(f: TraceFilters): Promise<TraceSummaryRow[]> {
      const found = await super.searchTraces(f);
      searched.push(...found.map((t) => t.TraceId));
      await deleteSpans(traceIdOf(vanishing));
      return found;
    }
  }
  const racing = new TraceReader(new DeletingAfterSearch(server.store.client, server.store.sql), () => NOW);
  const found = await racing.searchWithSpans({ range: { startNs: ns(NOW - 30 * MINUTE), endNs: ns(NOW) }, service: 'race', attributes: [], limit: 20, sort: 'newest' });
  expect(searched.sort()).toEqual([traceIdOf(kept), traceIdOf(vanishing)].sort());
  expect(found.map((t) => t.traceId)).toEqual([traceIdOf(kept)]);
  expect(found[0]!.spans.map((s) => s.spanId)).toEqual([spanIdOf(kept)]);
});

test('services carry their error rate', async () => {
  expect(await reader.services({ startNs: ns(ratesStart - MINUTE), endNs: ns(ratesStart + MINUTE) })).toEqual({
    services: [
      { name: 'rates-a', spanCount: 4, errorCount: 1, errorRate: 0.25 },
      { name: 'rates-b', spanCount: 2, errorCount: 0, errorRate: 0 },
    ],
  });
});

describe('GET /api/v1/traces/{traceId}/outliers', () => {
  test('marks the request’s queries far slower than their baseline: 12σ critical, 4σ warning, the usual one not', async () => {
    const response = await fetch(`${server.uiUrl}/api/v1/traces/${traceIdOf(request)}/outliers`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as OutliersResponse;
    expect(body.traceId).toBe(traceIdOf(request));
    const bySpan = new Map(body.outliers.map((o) => [o.spanId, o]));
    expect([...bySpan.keys()].sort()).toEqual([spanIdOf(requestQueries.critical), spanIdOf(requestQueries.warning)].sort());
    const critical = bySpan.get(spanIdOf(requestQueries.critical))!;
    const warning = bySpan.get(spanIdOf(requestQueries.warning))!;
    expect(critical.severity).toBe('critical');
    expect(critical.z).toBeGreaterThan(5);
    expect(warning.severity).toBe('warning');
    expect(warning.z).toBeGreaterThan(3);
    expect(warning.z).toBeLessThanOrEqual(5);
    for (const o of [critical, warning]) {
      expect(o.baselineP50Ns).toBeGreaterThan(0.95 * QUERY.medianMs * 1e6);
      expect(o.baselineP50Ns).toBeLessThan(1.05 * QUERY.medianMs * 1e6);
    }
  });

  test('an unknown trace is a 404', async () => {
    const response = await fetch(`${server.uiUrl}/api/v1/traces/${'ef'.repeat(16)}/outliers`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as ApiError).error.code).toBe('HS_NOT_FOUND');
  });
});
