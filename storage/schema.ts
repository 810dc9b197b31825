/**
 * Hindsight's tables as versioned migrations, applied at start-up, idempotently.
 *
 * otel_traces and otel_traces_trace_id_ts keep the OpenTelemetry Collector
 * clickhouseexporter's table names, column names, types, codecs and skip indexes,
 * so Grafana's ClickHouse plugin and existing SQL read them unchanged. One
 * deliberate difference: the trace-id lookup aggregates (min Start, max End) in an
 * AggregatingMergeTree, so each trace converges to one row instead of one per insert.
 *
 * Identifiers come only from the validated config (database) and this file;
 * retention is a validated integer.
 */
import type { ClickHouseClient } from '@clickhouse/client';

export interface SchemaOptions {
  database: string;
  retentionDays: number;
  /**
   * A ClickHouse cluster (remote_servers) to create the schema ON CLUSTER: each
   * table becomes a Replicated local table `<name>_local` with a Distributed
   * table of the single-node name in front, so every query reads the same names.
   */
  cluster?: string | undefined;
}

export interface Migration {
  version: number;
  name: string;
  statements(o: SchemaOptions): string[];
}

export const TRACES_TABLE = 'otel_traces';
export const TRACE_ID_TS_TABLE = 'otel_traces_trace_id_ts';
export const TRACE_ID_TS_VIEW = 'otel_traces_trace_id_ts_mv';
export const MIGRATIONS_TABLE = 'hindsight_schema_migrations';
export const EDGES_TABLE = 'hindsight_service_edges_1m';
export const JOBS_TABLE = 'hindsight_jobs';
export const ARRIVALS_TABLE = 'hindsight_late_arrivals';
export const ARRIVALS_VIEW = 'hindsight_late_arrivals_mv';

/** The local (per-shard) table behind a Distributed table, in cluster mode. */
export function localTable(name: string): string {
  return `${name}_local`;
}

const tracesTtl = (o: SchemaOptions): string => `toDateTime(Timestamp) + toIntervalDay(${o.retentionDays})`;
const traceIdTsTtl = (o: SchemaOptions): string => `Start + toIntervalDay(${o.retentionDays})`;
const edgesTtl = (o: SchemaOptions): string => `Minute + toIntervalDay(${o.retentionDays})`;
const arrivalsTtl = (o: SchemaOptions): string => `Arrived + toIntervalDay(${o.retentionDays})`;

/**
 * How a table lives on a cluster:
 * - `sharded`: Replicated per shard, a Distributed table in front, rows placed by
 *   `shardingKey` (TraceId for spans, so a whole trace lives on one shard and
 *   per-trace JOINs stay shard-local);
 * - `global`: small bookkeeping tables, one replica set across every node (no
 *   {shard} in the Keeper path), read and written on any node.
 */
type Placement = { kind: 'sharded'; shardingKey: string } | { kind: 'global' };

interface TableSpec {
  name: string;
  /** The parenthesised column and index list, exactly as created. */
  columns: string;
  /** A MergeTree family engine: 'MergeTree', 'AggregatingMergeTree', ... */
  engine: string;
  /** The engine's own arguments, e.g. a ReplacingMergeTree version column. */
  engineArgs?: string;
  /** PARTITION BY, ORDER BY, TTL and SETTINGS lines. */
  clauses(o: SchemaOptions): string;
  placement: Placement;
}

const onCluster = (o: SchemaOptions): string => (o.cluster === undefined ? '' : ` ON CLUSTER ${o.cluster}`);

/** Single node: the table itself. Cluster: the Replicated local table, then the Distributed one for sharded tables. */
function createTable(o: SchemaOptions, t: TableSpec): string[] {
  const args = t.engineArgs === undefined ? '' : `(${t.engineArgs})`;
  if (o.cluster === undefined) return [`CREATE TABLE IF NOT EXISTS ${o.database}.${t.name}\n${t.columns}\nENGINE = ${t.engine}${args}\n${t.clauses(o)}`];
  if (t.placement.kind === 'global') {
    // Every node is a replica of one global table: {shard}-{replica} names each node uniquely.
    const replicated = [`'/clickhouse/tables/global/${o.database}/${t.name}'`, `'{shard}-{replica}'`, ...(t.engineArgs === undefined ? [] : [t.engineArgs])].join(', ');
    return [`CREATE TABLE IF NOT EXISTS ${o.database}.${t.name}${onCluster(o)}\n${t.columns}\nENGINE = Replicated${t.engine}(${replicated})\n${t.clauses(o)}`];
  }
  const local = localTable(t.name);
  const replicated = [`'/clickhouse/tables/{shard}/${o.database}/${local}'`, `'{replica}'`, ...(t.engineArgs === undefined ? [] : [t.engineArgs])].join(', ');
  return [
    `CREATE TABLE IF NOT EXISTS ${o.database}.${local}${onCluster(o)}\n${t.columns}\nENGINE = Replicated${t.engine}(${replicated})\n${t.clauses(o)}`,
    `CREATE TABLE IF NOT EXISTS ${o.database}.${t.name}${onCluster(o)} AS ${o.database}.${local}\nENGINE = Distributed(${o.cluster}, ${o.database}, ${local}, ${t.placement.shardingKey})`,
  ];
}

/** The table a write or a materialized view targets: the local table of a sharded table on a cluster. */
function storageTable(o: SchemaOptions, t: TableSpec): string {
  return o.cluster !== undefined && t.placement.kind === 'sharded' ? localTable(t.name) : t.name;
}

const TRACES: TableSpec = {
  name: TRACES_TABLE,
  columns: `(
    Timestamp DateTime64(9) CODEC(Delta, ZSTD(1)),
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    ParentSpanId String CODEC(ZSTD(1)),
    TraceState String CODEC(ZSTD(1)),
    SpanName LowCardinality(String) CODEC(ZSTD(1)),
    SpanKind LowCardinality(String) CODEC(ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    ResourceAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    ScopeName String CODEC(ZSTD(1)),
    ScopeVersion String CODEC(ZSTD(1)),
    SpanAttributes Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    Duration UInt64 CODEC(ZSTD(1)),
    StatusCode LowCardinality(String) CODEC(ZSTD(1)),
    StatusMessage String CODEC(ZSTD(1)),
    Events Nested
    (
        Timestamp DateTime64(9),
        Name LowCardinality(String),
        Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(1)),
    Links Nested
    (
        TraceId String,
        SpanId String,
        TraceState String,
        Attributes Map(LowCardinality(String), String)
    ) CODEC(ZSTD(1)),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_res_attr_key mapKeys(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_res_attr_value mapValues(ResourceAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_span_attr_key mapKeys(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_span_attr_value mapValues(SpanAttributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_duration Duration TYPE minmax GRANULARITY 1
)`,
  engine: 'MergeTree',
  clauses: (o) => `PARTITION BY toDate(Timestamp)
ORDER BY (ServiceName, SpanName, toDateTime(Timestamp))
TTL ${tracesTtl(o)}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`,
  placement: { kind: 'sharded', shardingKey: 'cityHash64(TraceId)' },
};

const TRACE_ID_TS: TableSpec = {
  name: TRACE_ID_TS_TABLE,
  columns: `(
    TraceId String CODEC(ZSTD(1)),
    Start SimpleAggregateFunction(min, DateTime) CODEC(Delta, ZSTD(1)),
    End SimpleAggregateFunction(max, DateTime) CODEC(Delta, ZSTD(1)),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.01) GRANULARITY 1
)`,
  engine: 'AggregatingMergeTree',
  clauses: (o) => `PARTITION BY toDate(Start)
ORDER BY TraceId
TTL ${traceIdTsTtl(o)}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`,
  placement: { kind: 'sharded', shardingKey: 'cityHash64(TraceId)' },
};

// Hindsight's own table, beside the exporter schema: one row per (minute, parent, child)
// once merged. Child is a service, or for uninstrumented downstreams the peer a client
// span names; Kind tells which.
const EDGES: TableSpec = {
  name: EDGES_TABLE,
  columns: `(
    Minute DateTime CODEC(Delta, ZSTD(1)),
    Parent LowCardinality(String),
    Child LowCardinality(String),
    Kind LowCardinality(String),
    Calls SimpleAggregateFunction(sum, UInt64),
    Errors SimpleAggregateFunction(sum, UInt64),
    Latency AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt64)
)`,
  engine: 'AggregatingMergeTree',
  clauses: (o) => `PARTITION BY toDate(Minute)
ORDER BY (Minute, Parent, Child, Kind)
TTL ${edgesTtl(o)}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`,
  placement: { kind: 'sharded', shardingKey: 'cityHash64(Parent, Child)' },
};

const JOBS: TableSpec = {
  name: JOBS_TABLE,
  columns: `(
    Name String,
    Watermark DateTime,
    UpdatedAt DateTime DEFAULT now()
)`,
  engine: 'ReplacingMergeTree',
  engineArgs: 'UpdatedAt',
  clauses: () => 'ORDER BY Name',
  placement: { kind: 'global' },
};

/** How old a span must be when it arrives to mark its minute for recomputation; the edge job's lag must exceed it. */
export const ARRIVAL_LATE_SECONDS = 30;

/**
 * Which minutes received spans late, and when: the edge job recomputes them. A
 * span counts as late once it is older than ARRIVAL_LATE_SECONDS, well inside the
 * job's lag, so the spans of a healthy exporter (sent seconds after they end)
 * never write here. Kept as long as the spans, as every table is (the rows are
 * tiny), so a job stopped for a while still finds them.
 */
const ARRIVALS: TableSpec = {
  name: ARRIVALS_TABLE,
  columns: `(
    Minute DateTime CODEC(Delta, ZSTD(1)),
    Arrived DateTime CODEC(Delta, ZSTD(1))
)`,
  engine: 'ReplacingMergeTree',
  clauses: (o) => `PARTITION BY toDate(Arrived)
ORDER BY (Arrived, Minute)
TTL ${arrivalsTtl(o)}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`,
  placement: { kind: 'sharded', shardingKey: 'rand()' },
};

const MIGRATIONS_SPEC: TableSpec = {
  name: MIGRATIONS_TABLE,
  columns: `(
    version UInt32,
    name String,
    applied_at DateTime DEFAULT now()
)`,
  engine: 'ReplacingMergeTree',
  clauses: () => 'ORDER BY version',
  placement: { kind: 'global' },
};

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create otel_traces',
    statements: (o) => createTable(o, TRACES),
  },
  {
    version: 2,
    name: 'create the trace id to time range lookup',
    // On a cluster the view runs on each shard's local inserts, so it stays shard-local like the trace.
    statements: (o) => [
      ...createTable(o, TRACE_ID_TS),
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${o.database}.${TRACE_ID_TS_VIEW}${onCluster(o)}
TO ${o.database}.${storageTable(o, TRACE_ID_TS)}
AS SELECT
    TraceId,
    min(toDateTime(Timestamp)) AS Start,
    max(toDateTime(Timestamp)) AS End
FROM ${o.database}.${storageTable(o, TRACES)}
WHERE TraceId != ''
GROUP BY TraceId`,
    ],
  },
  {
    version: 3,
    name: 'service dependency edges per minute, and job watermarks',
    statements: (o) => [...createTable(o, EDGES), ...createTable(o, JOBS)],
  },
  {
    version: 4,
    name: 'minutes that received late spans, for the edge job to recompute',
    // toStartOfMinute of a DateTime64 is a DateTime, which wraps silently rather than
    // throwing for times past 2106: the view must never fail the insert it rides on.
    statements: (o) => [
      ...createTable(o, ARRIVALS),
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${o.database}.${ARRIVALS_VIEW}${onCluster(o)}
TO ${o.database}.${storageTable(o, ARRIVALS)}
AS SELECT
    toStartOfMinute(Timestamp) AS Minute,
    now() AS Arrived
FROM ${o.database}.${storageTable(o, TRACES)}
WHERE Timestamp < now() - toIntervalSecond(${ARRIVAL_LATE_SECONDS})
GROUP BY Minute`,
    ],
  },
];

/** The database and migrations table every migration run starts from. */
export function bootstrapStatements(o: SchemaOptions): string[] {
  return [`CREATE DATABASE IF NOT EXISTS ${o.database}${onCluster(o)}`, ...createTable(o, MIGRATIONS_SPEC)];
}

/** The TTL each table that stores rows must have for the configured retention, for start-up reconciliation. */
export function retentionTtls(o: SchemaOptions): Record<string, string> {
  return {
    [storageTable(o, TRACES)]: tracesTtl(o),
    [storageTable(o, TRACE_ID_TS)]: traceIdTsTtl(o),
    [storageTable(o, EDGES)]: edgesTtl(o),
    [storageTable(o, ARRIVALS)]: arrivalsTtl(o),
  };
}

/** The statement that brings one table's TTL to the configured retention. */
export function retentionStatement(o: SchemaOptions, table: string, ttl: string): string {
  return `ALTER TABLE ${o.database}.${table}${onCluster(o)} MODIFY TTL ${ttl}`;
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
  const done = new Set(
    (await (await client.query({ query: `SELECT version FROM ${o.database}.${MIGRATIONS_TABLE}`, format: 'JSONEachRow' })).json<{ version: number }>()).map((r) => Number(r.version)),
  );
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (done.has(migration.version)) continue;
    for (const statement of migration.statements(o)) await client.command({ query: statement });
    await client.insert({
      table: `${o.database}.${MIGRATIONS_TABLE}`,
      values: [{ version: migration.version, name: migration.name }],
      columns: ['version', 'name'],
      format: 'JSONEachRow',
    });
    applied.push(migration.version);
  }
  return { applied, retentionChanged: await reconcileRetention(client, o) };
}

async function reconcileRetention(client: ClickHouseClient, o: SchemaOptions): Promise<string[]> {
  const wanted = retentionTtls(o);
  const rows = await (
    await client.query({
      query: 'SELECT name, engine_full FROM system.tables WHERE database = {database:String} AND name IN {names:Array(String)}',
      query_params: { database: o.database, names: Object.keys(wanted) },
      format: 'JSONEachRow',
    })
  ).json<{ name: string; engine_full: string }>();
  const changed: string[] = [];
  for (const row of rows) {
    const ttl = wanted[row.name];
    if (ttl === undefined || row.engine_full.includes(`TTL ${ttl} `) || row.engine_full.endsWith(`TTL ${ttl}`)) continue;
    await client.command({ query: retentionStatement(o, row.name, ttl) });
    changed.push(row.name);
  }
  return changed;
}
