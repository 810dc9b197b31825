/** The schema is applied at start, idempotently, and follows the configured retention. */
import { makeConfig } from '../../common/config';
import { openStore, type Store } from '../../storage/store';
import { applySchema, MIGRATIONS } from '../../storage/schema';
import { queryRows, testDataDir, uniqueDatabase } from '../support/server';

let store: Store;
let database: string;

beforeAll(() => {
  database = uniqueDatabase();
  store = openStore(makeConfig({ dataDir: testDataDir(), database }));
});
afterAll(async () => {
  await store.client.command({ query: `DROP DATABASE IF EXISTS ${database} SYNC` });
  await store.close();
});

test('the first start applies every migration and records it; later starts apply nothing', async () => {
  const first = await applySchema(store.client, { sql: store.sql, retentionDays: 7 });
  expect(first.applied).toEqual(MIGRATIONS.map((m) => m.version));
  const again = await applySchema(store.client, { sql: store.sql, retentionDays: 7 });
  expect(again).toEqual({ applied: [], retentionChanged: [] });
  const recorded = await queryRows<{ version: number }>(store.client, `SELECT version FROM ${database}.hindsight_schema_migrations ORDER BY version`);
  expect(recorded.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
  // Migration 5: spans' parts merge about ten at a time.
  const [traces] = await queryRows<{ engine_full: string }>(store.client, "SELECT engine_full FROM system.tables WHERE database = {db:String} AND name = 'otel_traces'", { db: database });
  expect(traces?.engine_full).toMatch(/SETTINGS .*merge_selector_base = 10/);
});

test('the tables are column-compatible with the clickhouseexporter schema', async () => {
  const columns = await queryRows<{ name: string; type: string }>(store.client, 'SELECT name, type FROM system.columns WHERE database = {db:String} AND table = {table:String} ORDER BY position', {
    db: database,
    table: 'otel_traces',
  });
  expect(columns.map((c) => `${c.name} ${c.type}`)).toEqual([
    'Timestamp DateTime64(9)',
    'TraceId String',
    'SpanId String',
    'ParentSpanId String',
    'TraceState String',
    'SpanName LowCardinality(String)',
    'SpanKind LowCardinality(String)',
    'ServiceName LowCardinality(String)',
    'ResourceAttributes Map(LowCardinality(String), String)',
    'ScopeName String',
    'ScopeVersion String',
    'SpanAttributes Map(LowCardinality(String), String)',
    'Duration UInt64',
    'StatusCode LowCardinality(String)',
    'StatusMessage String',
    'Events.Timestamp Array(DateTime64(9))',
    'Events.Name Array(LowCardinality(String))',
    'Events.Attributes Array(Map(LowCardinality(String), String))',
    'Links.TraceId Array(String)',
    'Links.SpanId Array(String)',
    'Links.TraceState Array(String)',
    'Links.Attributes Array(Map(LowCardinality(String), String))',
  ]);
  const indexes = await queryRows<{ name: string; type_full: string }>(
    store.client,
    'SELECT name, type_full FROM system.data_skipping_indices WHERE database = {db:String} AND table = {table:String} ORDER BY name',
    { db: database, table: 'otel_traces' },
  );
  expect(indexes.map((i) => `${i.name} ${i.type_full}`)).toEqual([
    'idx_duration minmax',
    'idx_res_attr_key bloom_filter(0.01)',
    'idx_res_attr_value bloom_filter(0.01)',
    'idx_span_attr_key bloom_filter(0.01)',
    'idx_span_attr_value bloom_filter(0.01)',
    'idx_trace_id bloom_filter(0.001)',
  ]);
});

test('a changed retention is applied to every table with a TTL at the next start', async () => {
  const report = await applySchema(store.client, { sql: store.sql, retentionDays: 30 });
  expect(report.retentionChanged.sort()).toEqual([
    'hindsight_late_arrivals',
    'hindsight_operations_1h',
    'hindsight_operations_1m',
    'hindsight_operations_5m',
    'hindsight_service_edges_1h',
    'hindsight_service_edges_1m',
    'hindsight_trace_summaries',
    'otel_traces',
    'otel_traces_trace_id_ts',
  ]);
  const tables = await queryRows<{ engine_full: string }>(store.client, "SELECT engine_full FROM system.tables WHERE database = {db:String} AND engine_full LIKE '%TTL%'", { db: database });
  for (const t of tables) {
    expect(t.engine_full).toContain('toIntervalDay(30)');
    // Day-partitioned tables drop whole parts; the month-partitioned derived tables delete rows.
    if (t.engine_full.includes('PARTITION BY toDate(')) expect(t.engine_full).toContain('ttl_only_drop_parts = 1');
  }
  expect((await applySchema(store.client, { sql: store.sql, retentionDays: 30 })).retentionChanged).toEqual([]);
});
