/**
 * Upgrading a store that already holds spans: the migrations that add the trace
 * summaries and the per-operation rollups create their views with a cutoff, and the
 * backfill job writes the rows of the spans before it, newest hour first, then lifts
 * the cutoff. Afterwards every derived table agrees with the spans, as if the views
 * had always existed.
 */
import pino from 'pino';
import { makeConfig } from '../../common/config';
import { createMetrics } from '../../common/metrics';
import { BackfillJob } from '../../collector/jobs/backfill';
import { applySchema, BACKFILLS, backfillJob, bootstrapStatements, MIGRATIONS, type SchemaOptions } from '../../storage/schema';
import { openStore, type Store } from '../../storage/store';
import { queryRows, testDataDir, uniqueDatabase } from '../support/server';

let store: Store;
let o: SchemaOptions;
const HOUR = 3600;
const now = Math.floor(Date.now() / 1000);

/** Spans of `traces` 3-span traces (two services), spread over the `hours` hours before `before` (Unix seconds). */
async function insertSpans(prefix: string, traces: number, before: number, hours: number): Promise<void> {
  await store.client.command({
    query: `INSERT INTO ${store.database}.otel_traces (Timestamp, TraceId, SpanId, ParentSpanId, SpanName, SpanKind, ServiceName, Duration, StatusCode)
      SELECT fromUnixTimestamp64Nano(toInt64((${before} - 1 - intDiv(n, 3) * ${hours * HOUR - 60} / ${traces}) * 1e9) + (n % 3) * 1000000) AS Timestamp,
             concat('${prefix}', leftPad(toString(intDiv(n, 3)), 8, '0')) AS TraceId,
             lower(hex(sipHash64(n, '${prefix}'))) AS SpanId,
             if(n % 3 = 0, '', lower(hex(sipHash64(n - n % 3, '${prefix}')))) AS ParentSpanId,
             ['GET /cart', 'SELECT cart', 'GET /price'][n % 3 + 1] AS SpanName,
             ['Server', 'Client', 'Server'][n % 3 + 1] AS SpanKind,
             ['shop', 'shop', 'pricing'][n % 3 + 1] AS ServiceName,
             toUInt64(1000000 * (1 + n % 7)) AS Duration,
             if(n % 11 = 0, 'Error', 'Unset') AS StatusCode
      FROM (SELECT number AS n FROM numbers(${traces * 3}))`,
  });
}

/** Each trace as the spans say it is, and as the summaries say it is. */
const TRACE_TRUTH = `SELECT TraceId, toString(min(Timestamp)) AS start, toString(max(toUnixTimestamp64Nano(Timestamp) + Duration)) AS endNs, count() AS spans, countIf(StatusCode = 'Error') AS errors,
  argMinIf(ServiceName, Timestamp, ParentSpanId = '') AS root FROM {db:Identifier}.otel_traces GROUP BY TraceId ORDER BY TraceId`;
const TRACE_SUMMARIES = `SELECT TraceId, toString(min(Start)) AS start, toString(toUnixTimestamp64Nano(max(End))) AS endNs, sum(Spans) AS spans, sum(Errors) AS errors, min(Root).Service AS root
  FROM {db:Identifier}.hindsight_trace_summaries GROUP BY TraceId ORDER BY TraceId`;
const OPERATION_TRUTH = `SELECT ServiceName, SpanName, toStartOfMinute(Timestamp) AS m, count() AS calls, countIf(StatusCode = 'Error') AS errors,
  countIf(ParentSpanId = '') AS roots, countIf(ParentSpanId = '' AND StatusCode = 'Error') AS rootErrors FROM {db:Identifier}.otel_traces GROUP BY ALL ORDER BY ALL`;
const OPERATION_ROLLUP = `SELECT ServiceName, SpanName, Minute AS m, sum(Calls) AS calls, sum(Errors) AS errors, sum(Roots) AS roots, sum(RootErrors) AS rootErrors
  FROM {db:Identifier}.hindsight_operations_1m GROUP BY ALL ORDER BY ALL`;
const HOURLY_TRUTH = `SELECT ServiceName, SpanName, toStartOfHour(Timestamp) AS h, count() AS calls, sumMap(map(toUInt16(floor(8 * log2(greatest(Duration, 1)))), toUInt64(1))) AS latency
  FROM {db:Identifier}.otel_traces GROUP BY ALL ORDER BY ALL`;
const FIVE_MINUTE_TRUTH = `SELECT ServiceName, SpanName, toStartOfFiveMinutes(Timestamp) AS m, count() AS calls, sumMap(map(toUInt16(floor(8 * log2(greatest(Duration, 1)))), toUInt64(1))) AS latency, max(Duration) AS slowest
  FROM {db:Identifier}.otel_traces GROUP BY ALL ORDER BY ALL`;
const FIVE_MINUTE_ROLLUP = `SELECT ServiceName, SpanName, Minute AS m, sum(Calls) AS calls, sumMap(Latency) AS latency, argMaxMerge(Slowest).2 AS slowest FROM {db:Identifier}.hindsight_operations_5m GROUP BY ALL ORDER BY ALL`;
const HOURLY_ROLLUP = `SELECT ServiceName, SpanName, Hour AS h, sum(Calls) AS calls, sumMap(Latency) AS latency FROM {db:Identifier}.hindsight_operations_1h GROUP BY ALL ORDER BY ALL`;

const rows = <T>(query: string): Promise<T[]> => queryRows<T>(store.client, query, { db: store.database });
const job = (metrics = createMetrics()): BackfillJob => new BackfillJob(store.client, { schema: o, pauseMs: 0, remaining: metrics.backfillHoursRemaining }, pino({ level: 'silent' }));
const progress = async (view: string): Promise<number[]> =>
  (await rows<{ w: number }>(`SELECT toUnixTimestamp(min(Watermark)) AS w FROM {db:Identifier}.hindsight_jobs WHERE Name = '${backfillJob(BACKFILLS.find((b) => b.view === view)!)}'`)).map((r) =>
    Number(r.w),
  );

beforeAll(async () => {
  store = openStore(makeConfig({ dataDir: testDataDir(), database: uniqueDatabase() }));
  o = { sql: store.sql, retentionDays: 30 };
  // A store as an earlier Hindsight left it: the migrations before the derived tables, and spans.
  for (const statement of bootstrapStatements(o)) await store.client.command({ query: statement });
  for (const m of MIGRATIONS.filter((m) => m.backfills === undefined && m.version < 6)) {
    for (const statement of m.statements(o)) await store.client.command({ query: statement });
    await store.client.command(o.sql.render('schema/record-migration', { version: m.version, name: m.name }));
  }
  await insertSpans('old', 600, now, 5);
});
afterAll(async () => {
  await store.client.command({ query: `DROP DATABASE IF EXISTS ${store.database} SYNC` });
  await store.close();
});

test('the upgrade creates the views with a cutoff and records a backfill for each; the job then fills every hour, newest first, and lifts the cutoff', async () => {
  const report = await applySchema(store.client, o);
  expect(report.applied).toEqual(MIGRATIONS.filter((m) => m.version >= 6).map((m) => m.version));
  const cutoffs = await Promise.all(BACKFILLS.map((b) => progress(b.view)));
  for (const [cutoff] of cutoffs) expect(Math.abs(cutoff! - now)).toBeLessThan(120);
  const [views] = [
    await rows<{ create_table_query: string }>(`SELECT create_table_query FROM system.tables WHERE database = {db:String} AND name LIKE '%_1m_mv'`.replace('{db:String}', `'${store.database}'`)),
  ];
  expect(views!.map((v) => v.create_table_query).join()).toMatch(/Timestamp >= toDateTime64\(\d+, 9\)/);

  // Before the backfill, the derived tables miss the old spans; new spans flow through the views.
  expect(await rows(TRACE_SUMMARIES)).toEqual([]);
  await insertSpans('new', 30, Math.floor(Date.now() / 1000) + 5, 0.01);

  const metrics = createMetrics();
  const backfill = job(metrics);
  expect(await backfill.step()).toBe(true);
  // The newest hour of old spans is written first.
  const [first] = await progress('hindsight_trace_summaries_mv');
  expect(first).toBe(Math.floor((now - 1) / HOUR) * HOUR);
  // A second collector on the same store (a shared ClickHouse) runs its own job alongside: the
  // leases let one step at a time, so no hour is written twice.
  await Promise.all([backfill.runToEnd(), job().runToEnd()]);

  expect(await rows(TRACE_SUMMARIES)).toEqual(await rows(TRACE_TRUTH));
  expect(await rows(OPERATION_ROLLUP)).toEqual(await rows(OPERATION_TRUTH));
  expect(await rows(HOURLY_ROLLUP)).toEqual(await rows(HOURLY_TRUTH));
  expect(await rows(FIVE_MINUTE_ROLLUP)).toEqual(await rows(FIVE_MINUTE_TRUTH));
  for (const b of BACKFILLS) expect(await progress(b.view)).toEqual([0]);
  expect((await metrics.registry.getSingleMetric('hindsight_backfill_hours_remaining')!.get()).values.map((v) => v.value)).toEqual([0, 0]);

  // Lifted: a span far older than the cutoff, arriving now, reaches every derived table.
  const lifted = await rows<{ create_table_query: string }>(`SELECT create_table_query FROM system.tables WHERE database = '${store.database}' AND name LIKE '%_mv'`);
  expect(lifted.map((v) => v.create_table_query).join()).not.toMatch(/toDateTime64\(\d+, 9\)/);
  await insertSpans('late', 2, now - 10 * HOUR, 1);
  expect(await rows(TRACE_SUMMARIES)).toEqual(await rows(TRACE_TRUTH));
  expect(await rows(OPERATION_ROLLUP)).toEqual(await rows(OPERATION_TRUTH));
  expect(await backfill.step()).toBe(false);
});

test('a store that starts empty needs no backfill: the views take every span from the start', async () => {
  const fresh = openStore(makeConfig({ dataDir: testDataDir(), database: uniqueDatabase() }));
  try {
    await applySchema(fresh.client, { sql: fresh.sql, retentionDays: 30 });
    const recorded = await queryRows<{ n: string }>(fresh.client, `SELECT count() AS n FROM ${fresh.database}.hindsight_jobs WHERE startsWith(Name, 'backfill/')`);
    expect(Number(recorded[0]!.n)).toBe(0);
    const views = await queryRows<{ create_table_query: string }>(fresh.client, `SELECT create_table_query FROM system.tables WHERE database = '${fresh.database}' AND name LIKE '%_mv'`);
    expect(views.map((v) => v.create_table_query).join()).not.toMatch(/toDateTime64\(\d+, 9\)/);
    expect(await new BackfillJob(fresh.client, { schema: { sql: fresh.sql, retentionDays: 30 }, pauseMs: 0 }, pino({ level: 'silent' })).step()).toBe(false);
  } finally {
    await fresh.client.command({ query: `DROP DATABASE IF EXISTS ${fresh.database} SYNC` });
    await fresh.close();
  }
});
