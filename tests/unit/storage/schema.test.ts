import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ARRIVALS_TABLE,
  bootstrapStatements,
  EDGES_1H_TABLE,
  EDGES_TABLE,
  JOBS_TABLE,
  localTable,
  MIGRATIONS,
  OPERATIONS_1H_TABLE,
  OPERATIONS_1M_TABLE,
  OPERATIONS_5M_TABLE,
  retentionStatement,
  SUMMARIES_TABLE,
  retentionTtls,
  TRACE_ID_TS_TABLE,
  TRACES_TABLE,
  type SchemaOptions,
} from '../../../storage/schema';
import { SqlRegistry } from '../../../storage/sql/registry';

/**
 * The rendered DDL is pinned: a change to a column, codec, index or TTL shows up
 * in review as a change to schema.golden.sql, not as a silent drift from the
 * clickhouseexporter schema. Regenerate with UPDATE_GOLDEN=1.
 */
const GOLDEN = path.join(__dirname, 'schema.golden.sql');
const otel = SqlRegistry.load('otel');

function rendered(): string {
  return MIGRATIONS.map((m) => `-- migration ${m.version}: ${m.name}\n${m.statements({ sql: otel, retentionDays: 7 }).join(';\n\n')};\n`).join('\n');
}

test('the schema DDL matches the golden file', () => {
  if (process.env['UPDATE_GOLDEN'] === '1') fs.writeFileSync(GOLDEN, rendered());
  expect(rendered()).toBe(fs.readFileSync(GOLDEN, 'utf8'));
});

test('migration versions are unique and increasing', () => {
  const versions = MIGRATIONS.map((m) => m.version);
  expect(versions).toEqual([...versions].sort((a, b) => a - b));
  expect(new Set(versions).size).toBe(versions.length);
});

test('retention is rendered into every TTL', () => {
  const ddl = MIGRATIONS.flatMap((m) => m.statements({ sql: SqlRegistry.load('db'), retentionDays: 30 })).join('\n');
  expect(ddl.match(/toIntervalDay\(30\)/g)).toHaveLength(9);
  expect(ddl).toContain('ttl_only_drop_parts = 1');
});

/** Cluster mode: the same tables, Replicated under a Distributed table of the single-node name. */
describe('the cluster schema', () => {
  const CLUSTER_GOLDEN = path.join(__dirname, 'schema.cluster.golden.sql');
  const cluster = { sql: otel, retentionDays: 7, cluster: 'hindsight' };
  const single = { sql: otel, retentionDays: 7 };
  const all = (o: SchemaOptions): string[] => [...bootstrapStatements(o), ...MIGRATIONS.flatMap((m) => m.statements(o))];

  function renderedCluster(): string {
    return all(cluster).join(';\n\n') + ';\n';
  }

  test('its DDL matches the golden file', () => {
    if (process.env['UPDATE_GOLDEN'] === '1') fs.writeFileSync(CLUSTER_GOLDEN, renderedCluster());
    expect(renderedCluster()).toBe(fs.readFileSync(CLUSTER_GOLDEN, 'utf8'));
  });

  test('every statement runs ON CLUSTER, and every engine is Replicated or Distributed', () => {
    for (const statement of all(cluster)) {
      expect(statement).toMatch(/^(CREATE (DATABASE|TABLE|MATERIALIZED VIEW) IF NOT EXISTS|ALTER TABLE) otel(\.\w+)? ON CLUSTER hindsight\b/);
      const engine = /ENGINE = (\w+)/.exec(statement)?.[1];
      if (engine !== undefined) expect(engine).toMatch(/^(Replicated\w*MergeTree|Distributed)$/);
    }
  });

  /** name → { columns block, engine, clauses } of each CREATE TABLE with its own columns. */
  function tables(o: SchemaOptions): Map<string, { columns: string; engine: string; clauses: string }> {
    const found = new Map<string, { columns: string; engine: string; clauses: string }>();
    for (const statement of all(o)) {
      const m = /^CREATE TABLE IF NOT EXISTS otel\.(\w+)(?: ON CLUSTER \w+)?\n(\([\s\S]*\))\nENGINE = (\w+)(?:\(.*\))?\n([\s\S]*)$/.exec(statement);
      if (m) found.set(m[1]!, { columns: m[2]!, engine: m[3]!, clauses: m[4]! });
    }
    return found;
  }

  test('each single-node table has a local twin with the same columns, codecs, indexes, keys and TTL', () => {
    const local = tables(cluster);
    for (const [name, table] of tables(single)) {
      const twin = local.get(name) ?? local.get(localTable(name));
      expect({ name, ...twin }).toEqual({ name, ...table, engine: `Replicated${table.engine}` });
    }
  });

  test('queries read the same names on both: each sharded table has a Distributed table of its single-node name, by TraceId for spans', () => {
    const distributed = all(cluster).filter((s) => s.includes('ENGINE = Distributed'));
    expect(distributed).toEqual([
      'CREATE TABLE IF NOT EXISTS otel.otel_traces ON CLUSTER hindsight AS otel.otel_traces_local\nENGINE = Distributed(hindsight, otel, otel_traces_local, cityHash64(TraceId))',
      'CREATE TABLE IF NOT EXISTS otel.otel_traces_trace_id_ts ON CLUSTER hindsight AS otel.otel_traces_trace_id_ts_local\nENGINE = Distributed(hindsight, otel, otel_traces_trace_id_ts_local, cityHash64(TraceId))',
      'CREATE TABLE IF NOT EXISTS otel.hindsight_service_edges_1m ON CLUSTER hindsight AS otel.hindsight_service_edges_1m_local\nENGINE = Distributed(hindsight, otel, hindsight_service_edges_1m_local, cityHash64(Parent, Child))',
      'CREATE TABLE IF NOT EXISTS otel.hindsight_late_arrivals ON CLUSTER hindsight AS otel.hindsight_late_arrivals_local\nENGINE = Distributed(hindsight, otel, hindsight_late_arrivals_local, rand())',
      'CREATE TABLE IF NOT EXISTS otel.hindsight_trace_summaries ON CLUSTER hindsight AS otel.hindsight_trace_summaries_local\nENGINE = Distributed(hindsight, otel, hindsight_trace_summaries_local, cityHash64(TraceId))',
      'CREATE TABLE IF NOT EXISTS otel.hindsight_operations_1m ON CLUSTER hindsight AS otel.hindsight_operations_1m_local\nENGINE = Distributed(hindsight, otel, hindsight_operations_1m_local, rand())',
      'CREATE TABLE IF NOT EXISTS otel.hindsight_operations_5m ON CLUSTER hindsight AS otel.hindsight_operations_5m_local\nENGINE = Distributed(hindsight, otel, hindsight_operations_5m_local, rand())',
      'CREATE TABLE IF NOT EXISTS otel.hindsight_operations_1h ON CLUSTER hindsight AS otel.hindsight_operations_1h_local\nENGINE = Distributed(hindsight, otel, hindsight_operations_1h_local, rand())',
      'CREATE TABLE IF NOT EXISTS otel.hindsight_service_edges_1h ON CLUSTER hindsight AS otel.hindsight_service_edges_1h_local\nENGINE = Distributed(hindsight, otel, hindsight_service_edges_1h_local, cityHash64(Parent, Child))',
    ]);
    const readable = (o: SchemaOptions): string[] =>
      [
        ...all(o)
          .join('\n')
          .matchAll(/^CREATE (?:TABLE|MATERIALIZED VIEW) IF NOT EXISTS otel\.(\w+)/gm),
      ]
        .map((m) => m[1]!)
        .filter((n) => !n.endsWith('_local'))
        .sort();
    expect(readable(cluster)).toEqual(readable(single));
    for (const name of [TRACES_TABLE, TRACE_ID_TS_TABLE, EDGES_TABLE, JOBS_TABLE]) expect(readable(cluster)).toContain(name);
  });

  test('the views feed each shard from its own inserts', () => {
    const views = all(cluster).filter((s) => s.startsWith('CREATE MATERIALIZED VIEW'));
    expect(views).toHaveLength(6);
    expect(views[0]).toContain('TO otel.otel_traces_trace_id_ts_local');
    expect(views[1]).toContain('TO otel.hindsight_late_arrivals_local');
    expect(views[2]).toContain('TO otel.hindsight_trace_summaries_local');
    expect(views[3]).toMatch(/TO otel.hindsight_operations_5m_local[\s\S]*FROM otel.hindsight_operations_1m_local/);
    expect(views[4]).toMatch(/TO otel.hindsight_operations_1h_local[\s\S]*FROM otel.hindsight_operations_1m_local/);
    expect(views[5]).toContain('TO otel.hindsight_operations_1m_local');
    for (const view of [views[0], views[1], views[2], views[5]]) expect(view).toContain('FROM otel.otel_traces_local');
  });

  test('retention is reconciled on the local tables, on every node', () => {
    expect(Object.keys(retentionTtls(cluster))).toEqual([
      'otel_traces_local',
      'otel_traces_trace_id_ts_local',
      'hindsight_service_edges_1m_local',
      'hindsight_service_edges_1h_local',
      'hindsight_late_arrivals_local',
      'hindsight_trace_summaries_local',
      'hindsight_operations_1m_local',
      'hindsight_operations_5m_local',
      'hindsight_operations_1h_local',
    ]);
    expect(Object.keys(retentionTtls(single))).toEqual([
      TRACES_TABLE,
      TRACE_ID_TS_TABLE,
      EDGES_TABLE,
      EDGES_1H_TABLE,
      ARRIVALS_TABLE,
      SUMMARIES_TABLE,
      OPERATIONS_1M_TABLE,
      OPERATIONS_5M_TABLE,
      OPERATIONS_1H_TABLE,
    ]);
    expect(retentionStatement(cluster, 'otel_traces_local')).toBe('ALTER TABLE otel.otel_traces_local ON CLUSTER hindsight MODIFY TTL toDateTime(Timestamp) + toIntervalDay(7)');
  });
});
