/**
 * Hindsight's tables as versioned migrations, applied at start-up, idempotently.
 * The statements are files under storage/sql/schema/, one per table and view; this
 * module says which run in which migration, and how each table is placed on a
 * cluster.
 *
 * otel_traces and otel_traces_trace_id_ts keep the OpenTelemetry Collector
 * clickhouseexporter's table names, column names, types, codecs and skip indexes,
 * so Grafana's ClickHouse plugin and existing SQL read them unchanged. One
 * deliberate difference: the trace-id lookup aggregates (min Start, max End) in an
 * AggregatingMergeTree, so each trace converges to one row instead of one per insert.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { HindsightError } from '../common/errors';
import type { Catalogue, StatementName } from './sql/catalogue';
import type { SqlText } from './sql/declare';
import type { SqlRegistry } from './sql/registry';
import { selectRows } from './sql/select';

export interface SchemaOptions {
  /** The process's SQL, bound to the database the schema lives in. */
  sql: SqlRegistry;
  retentionDays: number;
  /**
   * A ClickHouse cluster (remote_servers) to create the schema ON CLUSTER: each
   * table becomes a Replicated local table `<name>_local` with a Distributed
   * table of the single-node name in front, so every query reads the same names.
   */
  cluster?: string | undefined;
  /**
   * When a migration creates views over an otel_traces that already holds spans: the
   * second (Unix) from which the views take spans. The backfill job (collector/jobs/
   * backfill.ts) writes the rows of the spans before it, then lifts the cutoff.
   */
  cutoff?: number | undefined;
}

export interface Migration {
  version: number;
  name: string;
  statements(o: SchemaOptions): string[];
  /** Views this migration creates over existing spans, which the backfill job fills in. */
  backfills?: readonly Backfill[];
}

/**
 * A view over otel_traces whose table must also hold the spans stored before the
 * view existed: the backfill job inserts them an hour at a time, newest first,
 * through the view's own SELECT, then lifts the view's cutoff.
 */
export interface Backfill {
  view: string;
  /** The table the view writes. */
  table: string;
  select: BackfillSelect;
}

export type BackfillSelect =
  'schema/views/select/hindsight_trace_summaries' | 'schema/views/select/hindsight_operations_1m' | 'schema/views/select/hindsight_operations_1m_v7' | 'schema/views/select/hindsight_operations_1m_v8';

export const TRACES_TABLE = 'otel_traces';
export const TRACE_ID_TS_TABLE = 'otel_traces_trace_id_ts';
export const TRACE_ID_TS_VIEW = 'otel_traces_trace_id_ts_mv';
export const MIGRATIONS_TABLE = 'hindsight_schema_migrations';
export const EDGES_TABLE = 'hindsight_service_edges_1m';
export const EDGES_1H_TABLE = 'hindsight_service_edges_1h';
export const JOBS_TABLE = 'hindsight_jobs';
export const ARRIVALS_TABLE = 'hindsight_late_arrivals';
export const ARRIVALS_VIEW = 'hindsight_late_arrivals_mv';
export const SUMMARIES_TABLE = 'hindsight_trace_summaries';
export const SUMMARIES_VIEW = 'hindsight_trace_summaries_mv';
export const OPERATIONS_1M_TABLE = 'hindsight_operations_1m';
export const OPERATIONS_1M_VIEW = 'hindsight_operations_1m_mv';
export const OPERATIONS_5M_TABLE = 'hindsight_operations_5m';
export const OPERATIONS_1H_TABLE = 'hindsight_operations_1h';
export const OPERATIONS_5M_VIEW = 'hindsight_operations_5m_mv';
export const OPERATIONS_1H_VIEW = 'hindsight_operations_1h_mv';

/** The local (per-shard) table behind a Distributed table, in cluster mode. */
export function localTable(name: string): string {
  return `${name}_local`;
}

/**
 * How a table lives on a cluster:
 * - `sharded`: Replicated per shard, a Distributed table in front, rows placed by
 *   `shardingKey` (the trace id for spans, so a whole trace lives on one shard and
 *   per-trace JOINs stay shard-local);
 * - `global`: small bookkeeping tables, one replica set across every node, read
 *   and written on any node.
 */
type Placement = { kind: 'sharded'; shardingKey: keyof Catalogue['schema/distributed']['slots']['shardingKey']['alternatives'] } | { kind: 'global' };

interface TableSpec {
  name: string;
  /** Its CREATE TABLE, whose engine slot takes `single` or `cluster`. */
  statement: Extract<StatementName, `schema/tables/${string}`>;
  placement: Placement;
  /** A table that stores rows expires them with the configured retention: its TTL, schema/ttl/<name>.sql. */
  ttl?: ExpiringTable;
}

type ExpiringTable = keyof Catalogue['schema/alter-ttl']['slots']['ttl']['alternatives'];

/** Single node: the table itself. Cluster: the Replicated local table, then the Distributed one for sharded tables. */
function createTable(o: SchemaOptions, t: TableSpec): string[] {
  const { sql, cluster, retentionDays } = o;
  const create = (table: string): string => sql.render(t.statement, { table, cluster, retentionDays }, { engine: cluster === undefined ? 'single' : 'cluster' }).query;
  if (cluster === undefined || t.placement.kind === 'global') return [create(t.name)];
  const local = localTable(t.name);
  return [create(local), sql.render('schema/distributed', { table: t.name, local, cluster }, { shardingKey: t.placement.shardingKey }).query];
}

/** The table a write or a materialized view targets: the local table of a sharded table on a cluster. */
function storageTable(o: SchemaOptions, t: TableSpec): string {
  return o.cluster !== undefined && t.placement.kind === 'sharded' ? localTable(t.name) : t.name;
}

const sharded = (shardingKey: Extract<Placement, { kind: 'sharded' }>['shardingKey']): Placement => ({ kind: 'sharded', shardingKey });

const TRACES: TableSpec = { name: TRACES_TABLE, statement: 'schema/tables/otel_traces', placement: sharded('traceId'), ttl: TRACES_TABLE };
const TRACE_ID_TS: TableSpec = { name: TRACE_ID_TS_TABLE, statement: 'schema/tables/otel_traces_trace_id_ts', placement: sharded('traceId'), ttl: TRACE_ID_TS_TABLE };
const EDGES: TableSpec = { name: EDGES_TABLE, statement: 'schema/tables/hindsight_service_edges_1m', placement: sharded('edge'), ttl: EDGES_TABLE };
const EDGES_1H: TableSpec = { name: EDGES_1H_TABLE, statement: 'schema/tables/hindsight_service_edges_1h', placement: sharded('edge'), ttl: EDGES_1H_TABLE };
const JOBS: TableSpec = { name: JOBS_TABLE, statement: 'schema/tables/hindsight_jobs', placement: { kind: 'global' } };
const ARRIVALS: TableSpec = { name: ARRIVALS_TABLE, statement: 'schema/tables/hindsight_late_arrivals', placement: sharded('any'), ttl: ARRIVALS_TABLE };
const MIGRATIONS_SPEC: TableSpec = { name: MIGRATIONS_TABLE, statement: 'schema/tables/hindsight_schema_migrations', placement: { kind: 'global' } };
const SUMMARIES: TableSpec = { name: SUMMARIES_TABLE, statement: 'schema/tables/hindsight_trace_summaries', placement: sharded('traceId'), ttl: SUMMARIES_TABLE };
const OPERATIONS_1M: TableSpec = { name: OPERATIONS_1M_TABLE, statement: 'schema/tables/hindsight_operations_1m', placement: sharded('any'), ttl: OPERATIONS_1M_TABLE };
const OPERATIONS_5M: TableSpec = { name: OPERATIONS_5M_TABLE, statement: 'schema/tables/hindsight_operations_5m', placement: sharded('any'), ttl: OPERATIONS_5M_TABLE };
const OPERATIONS_1H: TableSpec = { name: OPERATIONS_1H_TABLE, statement: 'schema/tables/hindsight_operations_1h', placement: sharded('any'), ttl: OPERATIONS_1H_TABLE };
const TABLES = [TRACES, TRACE_ID_TS, EDGES, EDGES_1H, JOBS, ARRIVALS, MIGRATIONS_SPEC, SUMMARIES, OPERATIONS_1M, OPERATIONS_5M, OPERATIONS_1H];

/** How old a span must be when it arrives to mark its minute for recomputation; the edge job's lag must exceed it. */
export const ARRIVAL_LATE_SECONDS = 30;

/** A materialized view fed by inserts into otel_traces (its local table on a cluster, so it stays shard-local like the trace). */
function view(o: SchemaOptions, statement: 'schema/views/otel_traces_trace_id_ts_mv' | 'schema/views/hindsight_late_arrivals_mv', target: TableSpec): string {
  return o.sql.render(statement, { source: storageTable(o, TRACES), target: storageTable(o, target), cluster: o.cluster, lateSeconds: ARRIVAL_LATE_SECONDS }).query;
}

/**
 * A backfilled view's SELECT over spans: all of them (a view on a fresh store, or once
 * its backfill is done), those from the cutoff on (a view created over existing
 * spans), or one backfill step's [from, to).
 */
export function backfillSelect(o: SchemaOptions, select: BackfillSelect, spans: { cutoff?: number | undefined; from?: number; to?: number } = {}): SqlText {
  return o.sql.render(select, { source: storageTable(o, TRACES), ...spans }).query;
}

/** A view its backfill fills in: created with the cutoff when there are spans before it. */
function backfilledView(
  o: SchemaOptions,
  b: Backfill & { statement: 'schema/views/hindsight_trace_summaries_mv' | 'schema/views/hindsight_operations_1m_mv'; created?: BackfillSelect },
  target: TableSpec,
): string {
  return o.sql.render(b.statement, { target: storageTable(o, target), cluster: o.cluster, select: backfillSelect(o, b.created ?? b.select, { cutoff: o.cutoff }) }).query;
}

/**
 * Migration 8: the per-trace weighted histogram (TraceLatency) on the three operations rollups and
 * their views. The per-minute view keeps this run's cutoff when migration 7 created it in the same
 * run (its backfill lifts it later, with the new query); a view whose backfill was left running by
 * an earlier run loses its cutoff here, so a span older than that cutoff arriving before the
 * backfill reaches its hour is counted twice: the window the backfill already has for late spans.
 */
function traceWeightedRollups(o: SchemaOptions): string[] {
  const add = (t: TableSpec): string[] => {
    const tables = o.cluster === undefined ? [t.name] : [localTable(t.name), t.name];
    return tables.map((table) => o.sql.render('schema/add-trace-latency', { table, cluster: o.cluster }).query);
  };
  const rollup = (view: typeof OPERATIONS_5M_VIEW | typeof OPERATIONS_1H_VIEW, select: 'schema/views/select/hindsight_operations_5m' | 'schema/views/select/hindsight_operations_1h'): string =>
    o.sql.render('schema/modify-view-query', { view, cluster: o.cluster, select: o.sql.render(select, { source: storageTable(o, OPERATIONS_1M) }).query }).query;
  return [
    ...add(OPERATIONS_1M),
    ...add(OPERATIONS_5M),
    ...add(OPERATIONS_1H),
    perMinuteQuery(o, 'schema/views/select/hindsight_operations_1m_v8'),
    rollup(OPERATIONS_5M_VIEW, 'schema/views/select/hindsight_operations_5m'),
    rollup(OPERATIONS_1H_VIEW, 'schema/views/select/hindsight_operations_1h'),
  ];
}

/** The per-minute view's new query, keeping this run's cutoff (see traceWeightedRollups). */
function perMinuteQuery(o: SchemaOptions, select: BackfillSelect): string {
  return o.sql.render('schema/modify-view-query', { view: OPERATIONS_1M_VIEW, cluster: o.cluster, select: backfillSelect(o, select, { cutoff: o.cutoff }) }).query;
}

/**
 * Migration 9: the root spans among the per-minute rollup's calls (Roots, RootErrors), by which the
 * dependency map measures a service with no server or consumer spans, such as a batch job. Only the
 * per-minute table: the map reads nothing else, and the coarser views keep naming their columns.
 * The view's cutoff is kept as in migration 8. Rows written before it count no root spans.
 */
function rootCounts(o: SchemaOptions): string[] {
  const tables = o.cluster === undefined ? [OPERATIONS_1M.name] : [localTable(OPERATIONS_1M.name), OPERATIONS_1M.name];
  return [...tables.map((table) => o.sql.render('schema/add-root-counts', { table, cluster: o.cluster }).query), perMinuteQuery(o, OPERATIONS_BACKFILL.select)];
}

/**
 * Migration 10: the per-minute edges' latency as a log-bucket histogram beside their t-digest, which
 * the map reads instead (a day of digests cost a merge of every duration in it), and the hourly
 * edge table the edge job rolls whole hours up into (collector/jobs/edges.ts).
 */
function edgeHours(o: SchemaOptions): string[] {
  const tables = o.cluster === undefined ? [EDGES.name] : [localTable(EDGES.name), EDGES.name];
  return [...tables.map((table) => o.sql.render('schema/add-edge-histogram', { table, cluster: o.cluster }).query), ...createTable(o, EDGES_1H)];
}

/** Lifts a backfilled view's cutoff: from now on it takes every span inserted, whatever its time. */
export function liftCutoffStatement(o: SchemaOptions, b: Backfill): string {
  return o.sql.render('schema/modify-view-query', { view: b.view, cluster: o.cluster, select: backfillSelect(o, b.select) }).query;
}

const SUMMARIES_BACKFILL = { view: SUMMARIES_VIEW, table: SUMMARIES_TABLE, select: 'schema/views/select/hindsight_trace_summaries', statement: 'schema/views/hindsight_trace_summaries_mv' } as const;
const OPERATIONS_BACKFILL = {
  view: OPERATIONS_1M_VIEW,
  table: OPERATIONS_1M_TABLE,
  select: 'schema/views/select/hindsight_operations_1m',
  statement: 'schema/views/hindsight_operations_1m_mv',
  created: 'schema/views/select/hindsight_operations_1m_v7',
} as const;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create otel_traces',
    statements: (o) => createTable(o, TRACES),
  },
  {
    version: 2,
    name: 'create the trace id to time range lookup',
    statements: (o) => [...createTable(o, TRACE_ID_TS), view(o, 'schema/views/otel_traces_trace_id_ts_mv', TRACE_ID_TS)],
  },
  {
    version: 3,
    name: 'service dependency edges per minute, and job watermarks',
    statements: (o) => [...createTable(o, EDGES), ...createTable(o, JOBS)],
  },
  {
    version: 4,
    name: 'minutes that received late spans, for the edge job to recompute',
    statements: (o) => [...createTable(o, ARRIVALS), view(o, 'schema/views/hindsight_late_arrivals_mv', ARRIVALS)],
  },
  {
    version: 5,
    name: 'spans merge about ten parts at once, each rewritten fewer times',
    statements: (o) => [o.sql.render('schema/merge-settings', { table: storageTable(o, TRACES), cluster: o.cluster }).query],
  },
  {
    version: 6,
    name: 'a summary row per trace, for search and its sorts',
    statements: (o) => [...createTable(o, SUMMARIES), backfilledView(o, SUMMARIES_BACKFILL, SUMMARIES)],
    backfills: [SUMMARIES_BACKFILL],
  },
  {
    version: 7,
    name: 'per-operation rollups by minute, five minutes and hour, for RED, the service lists and anomalies',
    statements: (o) => [
      ...createTable(o, OPERATIONS_1M),
      ...createTable(o, OPERATIONS_5M),
      ...createTable(o, OPERATIONS_1H),
      o.sql.render('schema/views/hindsight_operations_5m_mv', { source: storageTable(o, OPERATIONS_1M), target: storageTable(o, OPERATIONS_5M), cluster: o.cluster }).query,
      o.sql.render('schema/views/hindsight_operations_1h_mv', { source: storageTable(o, OPERATIONS_1M), target: storageTable(o, OPERATIONS_1H), cluster: o.cluster }).query,
      backfilledView(o, OPERATIONS_BACKFILL, OPERATIONS_1M),
    ],
    backfills: [OPERATIONS_BACKFILL],
  },
  {
    version: 8,
    name: 'a per-trace weighted latency histogram on the operations rollups, so one big trace cannot set a baseline',
    statements: traceWeightedRollups,
  },
  {
    version: 9,
    name: 'root span counts on the per-minute operations rollup, so the dependency map can measure a batch job',
    statements: rootCounts,
  },
  {
    version: 10,
    name: 'service dependency edges per hour, and edge latency as a log-bucket histogram, so a day-long map adds 24 small rows per edge',
    statements: edgeHours,
  },
  {
    version: 11,
    name: 'attribute value bloom filters ten times as selective, so a search for a rare value reads a tenth of the granules',
    statements: (o) =>
      (['schema/drop-value-indexes', 'schema/add-value-indexes', 'schema/materialize-value-indexes'] as const).map(
        (name) => o.sql.render(name, { table: storageTable(o, TRACES), cluster: o.cluster }).query,
      ),
  },
];

/** Every backfill any migration asks for. */
export const BACKFILLS: readonly Backfill[] = MIGRATIONS.flatMap((m) => m.backfills ?? []);

/** The database and migrations table every migration run starts from. */
export function bootstrapStatements(o: SchemaOptions): string[] {
  return [o.sql.render('schema/create-database', { cluster: o.cluster }).query, ...createTable(o, MIGRATIONS_SPEC)];
}

/** The TTL each table that stores rows must have for the configured retention, for start-up reconciliation. */
export function retentionTtls(o: SchemaOptions): Record<string, string> {
  const ttls: Record<string, string> = {};
  for (const t of TABLES) if (t.ttl !== undefined) ttls[storageTable(o, t)] = o.sql.render(`schema/ttl/${t.ttl}`, { retentionDays: o.retentionDays }).query;
  return ttls;
}

/** The statement that brings one table (as retentionTtls names it) to the configured retention. */
export function retentionStatement(o: SchemaOptions, table: string): string {
  const ttl = TABLES.find((t) => storageTable(o, t) === table)?.ttl;
  if (ttl === undefined) throw new HindsightError('HS_INTERNAL', `${table} keeps no rows to expire`);
  return o.sql.render('schema/alter-ttl', { table, cluster: o.cluster, retentionDays: o.retentionDays }, { ttl }).query;
}

export interface SchemaReport {
  applied: number[];
  retentionChanged: string[];
}

/**
 * Creates the database and the migrations table, applies each migration not yet
 * recorded, then brings table TTLs to the configured retention. Every step is safe
 * to repeat (IF NOT EXISTS; the migrations table replaces by version; ON CLUSTER
 * DDL of an existing table is a no-op), so two collectors starting at once against
 * one server or cluster both succeed without a lock.
 */
export async function applySchema(client: ClickHouseClient, o: SchemaOptions): Promise<SchemaReport> {
  for (const statement of bootstrapStatements(o)) await client.command({ query: statement });
  const done = new Set((await selectRows<{ version: number }>(client, o.sql.render('schema/applied-migrations', {}))).map((r) => Number(r.version)));
  const applied: number[] = [];
  const pending = MIGRATIONS.filter((m) => !done.has(m.version));
  // Views created over existing spans take spans from one cutoff on, the same for every view of
  // this run: read before the first of them, when otel_traces exists (migration 1 comes first).
  let cutoff: Promise<number | undefined> | undefined;
  for (const migration of pending) {
    if (migration.backfills !== undefined) cutoff ??= backfillCutoff(client, o);
    const since = await cutoff;
    for (const statement of migration.statements({ ...o, cutoff: since })) await client.command({ query: statement });
    if (since !== undefined) {
      for (const b of migration.backfills ?? []) await client.command(o.sql.render('jobs/set-watermark', { name: backfillJob(b), watermark: since }));
    }
    await client.command(o.sql.render('schema/record-migration', { version: migration.version, name: migration.name }));
    applied.push(migration.version);
  }
  return { applied, retentionChanged: await reconcileRetention(client, o) };
}

/** The backfill job's name (its progress in hindsight_jobs) for one view. */
export function backfillJob(b: Backfill): string {
  return `backfill/${b.view}`;
}

/** The store's present second when otel_traces holds spans; undefined when it is empty, and a new view misses nothing. */
async function backfillCutoff(client: ClickHouseClient, o: SchemaOptions): Promise<number | undefined> {
  const [row] = await selectRows<{ now: number; n: string }>(client, o.sql.render('schema/spans-exist', {}));
  return row !== undefined && Number(row.n) > 0 ? Number(row.now) : undefined;
}

async function reconcileRetention(client: ClickHouseClient, o: SchemaOptions): Promise<string[]> {
  const wanted = retentionTtls(o);
  const rows = await selectRows<{ name: string; engine_full: string }>(client, o.sql.render('schema/table-engines', { names: Object.keys(wanted) }));
  const changed: string[] = [];
  for (const row of rows) {
    const ttl = wanted[row.name];
    if (ttl === undefined || row.engine_full.includes(`TTL ${ttl} `) || row.engine_full.endsWith(`TTL ${ttl}`)) continue;
    await client.command({ query: retentionStatement(o, row.name) });
    changed.push(row.name);
  }
  return changed;
}
