/** The schema is applied at start, idempotently, and follows the configured retention. */
import { makeConfig } from '../../common/config';
import { openStore, type Store } from '../../storage/store';
import { applySchema, bootstrapStatements, MIGRATIONS } from '../../storage/schema';
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
  // The exporter's indexes, the value filters at 0.001 rather than its 0.01 (migration 11).
  expect(indexes.map((i) => `${i.name} ${i.type_full}`)).toEqual([
    'idx_duration minmax',
    'idx_res_attr_key bloom_filter(0.01)',
    'idx_res_attr_value bloom_filter(0.001)',
    'idx_span_attr_key bloom_filter(0.01)',
    'idx_span_attr_value bloom_filter(0.001)',
    'idx_trace_id bloom_filter(0.001)',
  ]);
});

test('migration 11 writes the new value filters for the parts stored before it', async () => {
  const older = openStore(makeConfig({ dataDir: testDataDir(), database: uniqueDatabase() }));
  const o = { sql: older.sql, retentionDays: 7 };
  try {
    // A store as Hindsight left it before migration 11, with 16 granules of spans: one value per granule.
    for (const statement of bootstrapStatements(o)) await older.client.command({ query: statement });
    for (const m of MIGRATIONS.filter((m) => m.version < 11)) {
      for (const statement of m.statements(o)) await older.client.command({ query: statement });
      await older.client.command(o.sql.render('schema/record-migration', { version: m.version, name: m.name }));
    }
    await older.client.command({
      query: `INSERT INTO ${older.database}.otel_traces (Timestamp, TraceId, SpanId, SpanName, ServiceName, SpanAttributes, ResourceAttributes)
              SELECT now64(9) - INTERVAL 1 MINUTE, lower(hex(number)), lower(hex(number)), 'op', 'svc',
                     map('user.id', concat('user-', toString(intDiv(number, 8192)))), map('host.name', concat('host-', toString(intDiv(number, 8192))))
              FROM numbers(131072)`,
    });
    const rowsRead = async (where: string): Promise<number> => {
      const result = await older.client.query({ query: `SELECT count() AS n FROM ${older.database}.otel_traces WHERE ${where} SETTINGS use_query_condition_cache = 0`, format: 'JSON' });
      const body = (await result.json()) as { data: { n: string }[]; statistics: { rows_read: number } };
      return body.statistics.rows_read;
    };
    const report = await applySchema(older.client, o);
    expect(report.applied).toEqual([11]);
    // The mutation runs in the background.
    for (let i = 0; i < 100; i++) {
      const [pending] = await queryRows<{ n: string }>(older.client, 'SELECT count() AS n FROM system.mutations WHERE database = {db:String} AND NOT is_done', { db: older.database });
      if (Number(pending!.n) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const indexes = await queryRows<{ name: string; type_full: string; bytes: string }>(
      older.client,
      "SELECT name, type_full, data_compressed_bytes AS bytes FROM system.data_skipping_indices WHERE database = {db:String} AND table = 'otel_traces' AND name LIKE '%value'",
      { db: older.database },
    );
    expect(indexes.map((i) => `${i.name} ${i.type_full}`).sort()).toEqual(['idx_res_attr_value bloom_filter(0.001)', 'idx_span_attr_value bloom_filter(0.001)']);
    for (const index of indexes) expect(Number(index.bytes)).toBeGreaterThan(0);
    // Each value's granule alone is read, of the old part's 16.
    expect(await rowsRead("has(mapValues(SpanAttributes), 'user-3')")).toBe(8192);
    expect(await rowsRead("has(mapValues(ResourceAttributes), 'host-12')")).toBe(8192);
  } finally {
    await older.client.command({ query: `DROP DATABASE IF EXISTS ${older.database} SYNC` });
    await older.close();
  }
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
