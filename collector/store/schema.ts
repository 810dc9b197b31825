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

const tracesTtl = (o: SchemaOptions): string => `toDateTime(Timestamp) + toIntervalDay(${o.retentionDays})`;
const traceIdTsTtl = (o: SchemaOptions): string => `Start + toIntervalDay(${o.retentionDays})`;
const edgesTtl = (o: SchemaOptions): string => `Minute + toIntervalDay(${o.retentionDays})`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create otel_traces',
    statements: (o) => [
      `CREATE TABLE IF NOT EXISTS ${o.database}.${TRACES_TABLE}
(
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
)
ENGINE = MergeTree
PARTITION BY toDate(Timestamp)
ORDER BY (ServiceName, SpanName, toDateTime(Timestamp))
TTL ${tracesTtl(o)}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`,
    ],
  },
  {
    version: 2,
    name: 'create the trace id to time range lookup',
    statements: (o) => [
      `CREATE TABLE IF NOT EXISTS ${o.database}.${TRACE_ID_TS_TABLE}
(
    TraceId String CODEC(ZSTD(1)),
    Start SimpleAggregateFunction(min, DateTime) CODEC(Delta, ZSTD(1)),
    End SimpleAggregateFunction(max, DateTime) CODEC(Delta, ZSTD(1)),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(Start)
ORDER BY TraceId
TTL ${traceIdTsTtl(o)}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${o.database}.${TRACE_ID_TS_VIEW}
TO ${o.database}.${TRACE_ID_TS_TABLE}
AS SELECT
    TraceId,
    min(toDateTime(Timestamp)) AS Start,
    max(toDateTime(Timestamp)) AS End
FROM ${o.database}.${TRACES_TABLE}
WHERE TraceId != ''
GROUP BY TraceId`,
    ],
  },
  {
    version: 3,
    name: 'service dependency edges per minute, and job watermarks',
    statements: (o) => [
      // Hindsight's own table, beside the exporter schema: one row per (minute, parent, child)
      // once merged. Child is a service, or for uninstrumented downstreams the peer a client
      // span names; Kind tells which.
      `CREATE TABLE IF NOT EXISTS ${o.database}.${EDGES_TABLE}
(
    Minute DateTime CODEC(Delta, ZSTD(1)),
    Parent LowCardinality(String),
    Child LowCardinality(String),
    Kind LowCardinality(String),
    Calls SimpleAggregateFunction(sum, UInt64),
    Errors SimpleAggregateFunction(sum, UInt64),
    Latency AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(Minute)
ORDER BY (Minute, Parent, Child, Kind)
TTL ${edgesTtl(o)}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1`,
      `CREATE TABLE IF NOT EXISTS ${o.database}.${JOBS_TABLE}
(
    Name String,
    Watermark DateTime,
    UpdatedAt DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree(UpdatedAt)
ORDER BY Name`,
    ],
  },
];

/** The TTL each table must have for the configured retention, for start-up reconciliation. */
export function retentionTtls(o: SchemaOptions): Record<string, string> {
  return { [TRACES_TABLE]: tracesTtl(o), [TRACE_ID_TS_TABLE]: traceIdTsTtl(o), [EDGES_TABLE]: edgesTtl(o) };
}

export interface SchemaReport {
  applied: number[];
  retentionChanged: string[];
}

/**
 * Creates the database and the migrations table, applies each migration not yet
 * recorded, then brings table TTLs to the configured retention. Every statement is
 * IF NOT EXISTS, so two processes starting at once against one server both succeed.
 */
export async function applySchema(client: ClickHouseClient, o: SchemaOptions): Promise<SchemaReport> {
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${o.database}` });
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${o.database}.${MIGRATIONS_TABLE}
(
    version UInt32,
    name String,
    applied_at DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree
ORDER BY version`,
  });
  const done = new Set(
    (
      await (
        await client.query({ query: `SELECT version FROM ${o.database}.${MIGRATIONS_TABLE}`, format: 'JSONEachRow' })
      ).json<{ version: number }>()
    ).map((r) => Number(r.version)),
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
    await client.command({ query: `ALTER TABLE ${o.database}.${row.name} MODIFY TTL ${ttl}` });
    changed.push(row.name);
  }
  return changed;
}
