/**
 * Every piece of SQL the process runs, by name: the name is the file's path under
 * storage/sql/ without `.sql`. Each entry declares the `{name:Type}` placeholders of
 * its own file, and a statement its slots and the fragments that may fill them.
 * SqlRegistry.load checks each file against its entry, so this list and the files
 * cannot drift apart; callers' parameters are typed from it.
 *
 * `{db:Identifier}` (and `{db:String}`, the database as a value) is in no entry: the
 * registry binds it once, when it is loaded.
 */
import { SPAN_COLUMNS } from '../columns';
import {
  ARRIVALS_TABLE,
  EDGES_1H_TABLE,
  EDGES_TABLE,
  JOBS_TABLE,
  localTable,
  MIGRATIONS_TABLE,
  OPERATIONS_1H_TABLE,
  OPERATIONS_1M_TABLE,
  OPERATIONS_1M_VIEW,
  OPERATIONS_5M_TABLE,
  OPERATIONS_5M_VIEW,
  OPERATIONS_1H_VIEW,
  SUMMARIES_TABLE,
  SUMMARIES_VIEW,
  TRACE_ID_TS_TABLE,
  TRACES_TABLE,
} from '../schema';
import { choice, each, fragment, identifier, identifiers, include, optional, statement } from './declare';

/** A table on one node, or its local table on a cluster. */
const either = (table: string): readonly string[] => [table, localTable(table)];
const onCluster = optional('on-cluster');
const RANGE = include('query/filters/time-range');
const MINUTES = include('query/filters/minutes');
const SUMMARY_COLUMNS = include('query/trace-summary-columns');
const SPAN_COLUMNS_SELECT = include('query/span-columns');
/** Whole spans, or only their shape (span-shape-columns.sql) for analysis that reads no attributes. */
const SPAN_COLUMNS_OR_SHAPE = choice({ full: 'query/span-columns', shape: 'query/span-shape-columns' });
const ORDER = choice({ newest: 'query/order/newest', slowest: 'query/order/slowest', most_spans: 'query/order/most-spans', most_errors: 'query/order/most-errors' });
/** Only spans are inserted through the Store. */
export const INSERT_TABLES = either(TRACES_TABLE);
const ATTRIBUTE = {
  exists: 'query/filters/attribute/exists',
  eq: 'query/filters/attribute/eq',
  ne: 'query/filters/attribute/ne',
  contains: 'query/filters/attribute/contains',
  gt: 'query/filters/attribute/gt',
  ge: 'query/filters/attribute/ge',
  lt: 'query/filters/attribute/lt',
  le: 'query/filters/attribute/le',
  tag: 'query/filters/attribute/tag',
} as const;
/** The search filters "why are these slow?" takes, in both of its statements (each twice in query/explain). */
const EXPLAIN_FILTERS = {
  range: RANGE,
  service: optional('query/filters/service'),
  operation: optional('query/filters/operation'),
  minDuration: optional('query/filters/min-duration'),
  maxDuration: optional('query/filters/max-duration'),
  status: optional('query/filters/status'),
  attributes: each(ATTRIBUTE),
};

/** A further service a searched trace must have spans of (repeated `service`: all of them). */
const WITH_SERVICE = { service: 'query/filters/trace-has-service' } as const;
/** An operation's buckets of whole minutes from a per-minute or five-minute rollup, or of whole hours from the hourly one. */
const OPERATION_BUCKETS = choice({ minutes: 'query/operation-buckets/minutes', hours: 'query/operation-buckets/hours' });
/** A search's filters over single spans, and the further services its traces must have. */
const SPAN_SEARCH_FILTERS = {
  ...EXPLAIN_FILTERS,
  statusNot: optional('query/filters/status-not'),
  spanKind: optional('query/filters/span-kind'),
  scopeName: optional('query/filters/scope-name'),
  withServices: each(WITH_SERVICE),
} as const;
/** Where a search's leading attribute equality is looked for in one read of span-matches.sql; `none` when it has none. */
const LEAD = choice({ none: 'query/filters/lead/none', span: 'query/filters/lead/span', resource: 'query/filters/lead/resource', event: 'query/filters/lead/event' });
/** A service's requests (its server and consumer spans), or every span of one operation. */
const RED_SPANS = choice({ requests: 'query/filters/requests', operation: 'query/filters/operation' });

/** The CREATE of a table that keeps spans or their derivatives: sharded on a cluster (its local table there), rows expiring with the retention. */
const shardedTable = <const T extends string, const S extends string, const C extends string>(name: T, engines: { single: S; cluster: C }) =>
  statement({ params: { table: identifier(either(name)) }, slots: { onCluster, engine: choice(engines), ttl: include(`schema/ttl/${name}`) }, literal: true });
/** The CREATE of a small bookkeeping table: one replica set across a cluster's nodes, kept for good. */
const globalTable = <const T extends string, const S extends string, const C extends string>(name: T, engines: { single: S; cluster: C }) =>
  statement({ params: { table: identifier([name]) }, slots: { onCluster, engine: choice(engines) }, literal: true });
const ttl = fragment({ retentionDays: 'UInt32' }, { literal: true });
const view = (source: string, target: string) => ({ source: identifier(either(source)), target: identifier(either(target)) });
const AGGREGATING = { single: 'schema/engines/aggregating-merge-tree', cluster: 'schema/engines/replicated-aggregating-merge-tree' } as const;
/** A backfilled view's SELECT over spans: all, from the cutoff on, or one backfill step. */
const backfillSelect = statement({
  params: { source: identifier(either(TRACES_TABLE)) },
  slots: { since: optional('schema/views/filters/since'), hours: optional('schema/views/filters/hours') },
  literal: true,
});

export const CATALOGUE = {
  'on-cluster': fragment({ cluster: 'Identifier' }),

  // ---- viewer/query/queries.ts ----
  'query/services': statement({ slots: { minutes: MINUTES } }),
  'query/operations': statement({ params: { service: 'String' }, slots: { minutes: MINUTES, spanKind: optional('query/filters/span-kind') } }),
  'query/attribute-keys': statement({ slots: { range: RANGE, service: optional('query/filters/service') } }),
  'query/span-matches': statement({ slots: { ...SPAN_SEARCH_FILTERS, lead: LEAD } }),
  'query/filters/lead/none': fragment(),
  'query/filters/lead/span': fragment({ leadKey: 'String', leadValue: 'String' }),
  'query/filters/lead/resource': fragment({ leadKey: 'String', leadValue: 'String' }),
  'query/filters/lead/event': fragment({ leadKey: 'String', leadValue: 'String' }),
  'query/search-traces': statement({ params: { matches: 'Statement', candidates: 'UInt32', limit: 'UInt32' }, slots: { columns: SUMMARY_COLUMNS, order: ORDER } }),
  'query/search-trace-ids': statement({ params: { matches: 'Statement', limit: 'UInt32' } }),
  'query/tail-spans': statement({
    params: { fromNs: 'Int64', toNs: 'Int64', limit: 'UInt32' },
    slots: {
      service: optional('query/filters/service'),
      operation: optional('query/filters/operation'),
      minDuration: optional('query/filters/min-duration'),
      status: optional('query/filters/status'),
      attributes: each(ATTRIBUTE),
    },
  }),
  'query/search-trace-summaries': statement({
    params: { startNs: 'Int64', endNs: 'Int64', edge: 'UInt32', limit: 'UInt32' },
    slots: {
      service: optional('query/filters/trace-service'),
      operation: optional('query/filters/trace-operation'),
      serviceOperation: optional('query/filters/trace-service-operation'),
      withServices: each(WITH_SERVICE),
      from: choice({ row: 'query/filters/edge/row', hour: 'query/filters/edge/hour' }),
      pick: choice({ every: 'query/filters/edge/every', newest: 'query/filters/edge/newest' }),
      columns: SUMMARY_COLUMNS,
      order: ORDER,
    },
  }),
  'query/explain-durations': statement({ params: { threshold: 'UInt64' }, slots: EXPLAIN_FILTERS }),
  'query/explain': statement({ params: { threshold: 'UInt64', perGroup: 'UInt32', candidates: 'UInt32' }, slots: EXPLAIN_FILTERS }),
  'query/trace-summary-columns': fragment(),
  'query/span-columns': fragment(),
  'query/span-shape-columns': fragment(),
  'query/dependencies': statement({ params: { startNs: 'Int64', endNs: 'Int64', liveFrom: 'UInt32', hourFrom: 'UInt32', hourTo: 'UInt32' } }),
  'query/dependencies-digests': statement({ params: { startNs: 'Int64', endNs: 'Int64', liveFrom: 'UInt32' } }),
  'query/dependencies-live': statement({ slots: { edges: choice({ service: 'jobs/edges/service', external: 'jobs/edges/external', messaging: 'jobs/edges/messaging' }) } }),
  'query/live-span-kinds': statement({ params: { from: 'UInt32', to: 'UInt32' } }),
  'query/edges-watermark': statement(),
  'query/service-requests': statement({ slots: { minutes: MINUTES } }),
  'query/red-series': statement({ params: { service: 'String', bucket: 'UInt32' }, slots: { range: RANGE, spans: RED_SPANS } }),
  'query/red-series-minutes': statement({ params: { service: 'String', bucket: 'UInt32' }, slots: { minutes: MINUTES, spans: RED_SPANS } }),
  'query/baselines': statement({ params: { baseStartNs: 'Int64', endNs: 'Int64', exactFromNs: 'Int64', minSamples: 'UInt32' } }),
  'query/operation-windows': statement({ slots: { buckets: OPERATION_BUCKETS } }),
  'query/operation-window-details': statement({ params: { services: 'Array(String)', operations: 'Array(String)', ts: 'Array(UInt32)' }, slots: { buckets: OPERATION_BUCKETS } }),
  'query/operation-buckets/minutes': fragment({ startNs: 'Int64', endNs: 'Int64', bucket: 'UInt32', rollup: identifier([OPERATIONS_1M_TABLE, OPERATIONS_5M_TABLE]) }),
  'query/operation-buckets/hours': fragment({ startNs: 'Int64', endNs: 'Int64', bucket: 'UInt32' }),
  'query/trace-spans': statement({ params: { traceId: 'String' }, slots: { columns: SPAN_COLUMNS_SELECT } }),
  'query/traces-by-id': statement({ params: { traceIds: 'Array(String)' }, slots: { columns: SPAN_COLUMNS_SELECT } }),
  'query/traces-spans': statement({ params: { traceIds: 'Array(String)' }, slots: { columns: SPAN_COLUMNS_OR_SHAPE, range: RANGE } }),
  'query/skewed-traces': statement({ params: { traceIds: 'Array(String)', startNs: 'Int64', endNs: 'Int64' }, slots: { range: RANGE } }),
  'query/filters/time-range': fragment({ startNs: 'Int64', endNs: 'Int64' }),
  'query/filters/minutes': fragment({ startNs: 'Int64', endNs: 'Int64' }),
  'query/filters/trace-service': fragment({ service: 'String' }),
  'query/filters/trace-has-service': fragment({ withService: 'String', fromNs: 'Int64', toNs: 'Int64' }),
  'query/filters/trace-operation': fragment({ operation: 'String' }),
  'query/filters/trace-service-operation': fragment({ pairService: 'String', pairOperation: 'String' }),
  'query/filters/edge/row': fragment(),
  'query/filters/edge/hour': fragment(),
  'query/filters/edge/every': fragment(),
  'query/filters/edge/newest': fragment({ limit: 'UInt32' }),
  'query/filters/service': fragment({ service: 'String' }),
  'query/filters/operation': fragment({ operation: 'String' }),
  'query/filters/span-kind': fragment({ spanKind: 'String' }),
  'query/filters/min-duration': fragment({ minDuration: 'UInt64' }),
  'query/filters/max-duration': fragment({ maxDuration: 'UInt64' }),
  'query/filters/status': fragment({ status: 'String' }),
  'query/filters/status-not': fragment({ statusNot: 'String' }),
  'query/filters/scope-name': fragment({ scopeName: 'String' }),
  'query/filters/requests': fragment(),
  'query/filters/attribute/exists': fragment({ attrKey: 'String' }),
  'query/filters/attribute/eq': fragment({ attrKey: 'String', attrValue: 'String' }),
  'query/filters/attribute/ne': fragment({ attrKey: 'String', attrValue: 'String' }),
  'query/filters/attribute/contains': fragment({ attrKey: 'String', attrValue: 'String' }),
  'query/filters/attribute/gt': fragment({ attrKey: 'String', attrNumber: 'Float64' }),
  'query/filters/attribute/ge': fragment({ attrKey: 'String', attrNumber: 'Float64' }),
  'query/filters/attribute/lt': fragment({ attrKey: 'String', attrNumber: 'Float64' }),
  'query/filters/attribute/le': fragment({ attrKey: 'String', attrNumber: 'Float64' }),
  'query/filters/attribute/tag': fragment({ attrKey: 'String', attrValue: 'String' }),
  'query/order/newest': fragment(),
  'query/order/slowest': fragment(),
  'query/order/most-spans': fragment(),
  'query/order/most-errors': fragment(),

  // ---- collector/jobs/edges.ts ----
  'jobs/first-span-minute': statement(),
  'jobs/server-now': statement(),
  'jobs/watermark': statement({ params: { name: 'String' } }),
  'jobs/set-watermark': statement({ params: { name: 'String', watermark: 'UInt32' } }),
  'jobs/late-arrivals': statement({ params: { from: 'UInt32', to: 'UInt32', watermark: 'UInt32', limit: 'UInt32' } }),
  'jobs/edge-table-engine': statement(),
  'jobs/delete-edges': statement({ params: { table: identifier(either(EDGES_TABLE)), from: 'UInt32' }, slots: { onCluster, until: optional('jobs/until') } }),
  'jobs/until': fragment({ to: 'UInt32' }),
  'jobs/first-edge-hour': statement(),
  'jobs/hour-edges': statement({ params: { from: 'UInt32', to: 'UInt32' } }),
  'jobs/delete-hour-edges': statement({ params: { table: identifier(either(EDGES_1H_TABLE)), from: 'UInt32' }, slots: { onCluster, until: optional('jobs/hour-until') } }),
  'jobs/hour-until': fragment({ to: 'UInt32' }),
  'jobs/service-edges': statement({ slots: { select: include('jobs/edges/service') } }),
  'jobs/external-edges': statement({ slots: { select: include('jobs/edges/external') } }),
  'jobs/messaging-edges': statement({ slots: { select: include('jobs/edges/messaging') } }),
  'jobs/edges/service': fragment({ from: 'UInt32', to: 'UInt32', parentFrom: 'UInt32' }),
  'jobs/edges/external': fragment({ from: 'UInt32', to: 'UInt32', childTo: 'UInt32' }),
  'jobs/edges/messaging': fragment({ from: 'UInt32', to: 'UInt32', parentFrom: 'UInt32' }),
  'jobs/backfill': statement({ params: { target: identifier([SUMMARIES_TABLE, OPERATIONS_1M_TABLE]), select: 'Statement' }, literal: true }),
  'jobs/span-hours': statement({ params: { cutoff: 'UInt32' } }),
  'jobs/min-watermark': statement({ params: { name: 'String' } }),
  'jobs/backfill-leader': statement(),

  // ---- collector/ingest/idempotency.ts ----
  'ingest/stored-probes': statement({ params: { min: 'Int64', max: 'Int64', traces: 'Array(String)', spans: 'Array(String)' } }),

  // ---- storage/store.ts ----
  'store/insert-rows': statement({ params: { table: identifier(INSERT_TABLES), columns: identifiers(SPAN_COLUMNS) } }),
  'store/insert-native-file': statement({ params: { table: identifier(INSERT_TABLES), columns: identifiers(SPAN_COLUMNS), file: 'String' } }),

  // ---- storage/schema.ts ----
  'schema/create-database': statement({ slots: { onCluster }, literal: true }),
  'schema/tables/otel_traces': shardedTable(TRACES_TABLE, { single: 'schema/engines/merge-tree', cluster: 'schema/engines/replicated-merge-tree' }),
  'schema/tables/otel_traces_trace_id_ts': shardedTable(TRACE_ID_TS_TABLE, { single: 'schema/engines/aggregating-merge-tree', cluster: 'schema/engines/replicated-aggregating-merge-tree' }),
  'schema/tables/hindsight_service_edges_1m': shardedTable(EDGES_TABLE, { single: 'schema/engines/aggregating-merge-tree', cluster: 'schema/engines/replicated-aggregating-merge-tree' }),
  'schema/tables/hindsight_service_edges_1h': shardedTable(EDGES_1H_TABLE, { single: 'schema/engines/aggregating-merge-tree', cluster: 'schema/engines/replicated-aggregating-merge-tree' }),
  'schema/tables/hindsight_jobs': globalTable(JOBS_TABLE, { single: 'schema/engines/replacing-merge-tree-by-updated-at', cluster: 'schema/engines/global-replacing-merge-tree-by-updated-at' }),
  'schema/tables/hindsight_late_arrivals': shardedTable(ARRIVALS_TABLE, { single: 'schema/engines/replacing-merge-tree', cluster: 'schema/engines/replicated-replacing-merge-tree' }),
  'schema/tables/hindsight_schema_migrations': globalTable(MIGRATIONS_TABLE, { single: 'schema/engines/replacing-merge-tree', cluster: 'schema/engines/global-replacing-merge-tree' }),
  'schema/distributed': statement({
    params: { table: 'Identifier', local: 'Identifier', cluster: 'Identifier' },
    slots: { shardingKey: choice({ traceId: 'schema/sharding/trace-id', edge: 'schema/sharding/edge', any: 'schema/sharding/any' }) },
    literal: true,
  }),
  'schema/views/otel_traces_trace_id_ts_mv': statement({ params: view(TRACES_TABLE, TRACE_ID_TS_TABLE), slots: { onCluster }, literal: true }),
  'schema/views/hindsight_late_arrivals_mv': statement({ params: { ...view(TRACES_TABLE, ARRIVALS_TABLE), lateSeconds: 'UInt32' }, slots: { onCluster }, literal: true }),
  'schema/tables/hindsight_trace_summaries': shardedTable(SUMMARIES_TABLE, AGGREGATING),
  'schema/tables/hindsight_operations_1m': shardedTable(OPERATIONS_1M_TABLE, AGGREGATING),
  'schema/tables/hindsight_operations_5m': shardedTable(OPERATIONS_5M_TABLE, AGGREGATING),
  'schema/tables/hindsight_operations_1h': shardedTable(OPERATIONS_1H_TABLE, AGGREGATING),
  'schema/views/select/hindsight_trace_summaries': backfillSelect,
  'schema/views/select/hindsight_operations_1m': backfillSelect,
  'schema/views/select/hindsight_operations_1m_v7': backfillSelect,
  'schema/views/select/hindsight_operations_1m_v8': backfillSelect,
  'schema/views/select/hindsight_operations_5m': statement({ params: { source: identifier(either(OPERATIONS_1M_TABLE)) }, literal: true }),
  'schema/views/select/hindsight_operations_1h': statement({ params: { source: identifier(either(OPERATIONS_1M_TABLE)) }, literal: true }),
  'schema/add-trace-latency': statement({
    params: { table: identifier([OPERATIONS_1M_TABLE, OPERATIONS_5M_TABLE, OPERATIONS_1H_TABLE].flatMap(either)) },
    slots: { onCluster },
    literal: true,
  }),
  'schema/add-root-counts': statement({ params: { table: identifier(either(OPERATIONS_1M_TABLE)) }, slots: { onCluster }, literal: true }),
  'schema/add-edge-histogram': statement({ params: { table: identifier(either(EDGES_TABLE)) }, slots: { onCluster }, literal: true }),
  'schema/views/filters/since': fragment({ cutoff: 'UInt32' }, { literal: true }),
  'schema/views/filters/hours': fragment({ from: 'UInt32', to: 'UInt32' }, { literal: true }),
  'schema/views/hindsight_trace_summaries_mv': statement({ params: { target: identifier(either(SUMMARIES_TABLE)), select: 'Statement' }, slots: { onCluster }, literal: true }),
  'schema/views/hindsight_operations_1m_mv': statement({ params: { target: identifier(either(OPERATIONS_1M_TABLE)), select: 'Statement' }, slots: { onCluster }, literal: true }),
  'schema/views/hindsight_operations_5m_mv': statement({ params: view(OPERATIONS_1M_TABLE, OPERATIONS_5M_TABLE), slots: { onCluster }, literal: true }),
  'schema/views/hindsight_operations_1h_mv': statement({ params: view(OPERATIONS_1M_TABLE, OPERATIONS_1H_TABLE), slots: { onCluster }, literal: true }),
  'schema/modify-view-query': statement({
    params: { view: identifier([SUMMARIES_VIEW, OPERATIONS_1M_VIEW, OPERATIONS_5M_VIEW, OPERATIONS_1H_VIEW]), select: 'Statement' },
    slots: { onCluster },
    literal: true,
  }),
  'schema/spans-exist': statement(),
  'schema/applied-migrations': statement(),
  'schema/record-migration': statement({ params: { version: 'UInt32', name: 'String' } }),
  'schema/table-engines': statement({ params: { names: 'Array(String)' } }),
  'schema/merge-settings': statement({ params: { table: identifier(either(TRACES_TABLE)) }, slots: { onCluster }, literal: true }),
  'schema/drop-value-indexes': statement({ params: { table: identifier(either(TRACES_TABLE)) }, slots: { onCluster }, literal: true }),
  'schema/add-value-indexes': statement({ params: { table: identifier(either(TRACES_TABLE)) }, slots: { onCluster }, literal: true }),
  'schema/materialize-value-indexes': statement({ params: { table: identifier(either(TRACES_TABLE)) }, slots: { onCluster }, literal: true }),
  'schema/alter-ttl': statement({
    params: { table: 'Identifier' },
    slots: {
      onCluster,
      ttl: choice({
        [TRACES_TABLE]: 'schema/ttl/otel_traces',
        [TRACE_ID_TS_TABLE]: 'schema/ttl/otel_traces_trace_id_ts',
        [EDGES_TABLE]: 'schema/ttl/hindsight_service_edges_1m',
        [EDGES_1H_TABLE]: 'schema/ttl/hindsight_service_edges_1h',
        [ARRIVALS_TABLE]: 'schema/ttl/hindsight_late_arrivals',
        [SUMMARIES_TABLE]: 'schema/ttl/hindsight_trace_summaries',
        [OPERATIONS_1M_TABLE]: 'schema/ttl/hindsight_operations_1m',
        [OPERATIONS_5M_TABLE]: 'schema/ttl/hindsight_operations_5m',
        [OPERATIONS_1H_TABLE]: 'schema/ttl/hindsight_operations_1h',
      }),
    },
    literal: true,
  }),
  'schema/engines/merge-tree': fragment(),
  'schema/engines/aggregating-merge-tree': fragment(),
  'schema/engines/replacing-merge-tree': fragment(),
  'schema/engines/replacing-merge-tree-by-updated-at': fragment(),
  'schema/engines/replicated-merge-tree': fragment({ table: 'Identifier' }),
  'schema/engines/replicated-aggregating-merge-tree': fragment({ table: 'Identifier' }),
  'schema/engines/replicated-replacing-merge-tree': fragment({ table: 'Identifier' }),
  'schema/engines/global-replacing-merge-tree': fragment({ table: 'Identifier' }),
  'schema/engines/global-replacing-merge-tree-by-updated-at': fragment({ table: 'Identifier' }),
  'schema/sharding/trace-id': fragment(),
  'schema/sharding/edge': fragment(),
  'schema/sharding/any': fragment(),
  'schema/ttl/otel_traces': ttl,
  'schema/ttl/otel_traces_trace_id_ts': ttl,
  'schema/ttl/hindsight_service_edges_1m': ttl,
  'schema/ttl/hindsight_service_edges_1h': ttl,
  'schema/ttl/hindsight_late_arrivals': ttl,
  'schema/ttl/hindsight_trace_summaries': ttl,
  'schema/ttl/hindsight_operations_1m': ttl,
  'schema/ttl/hindsight_operations_5m': ttl,
  'schema/ttl/hindsight_operations_1h': ttl,

  // ---- viewer/api/sql/: the SQL endpoint's own statements, and the wrappers around a checked one ----
  'sql-endpoint/read-only': statement({ literal: true }),
  'sql-endpoint/reader-limits': statement({ params: { maxRows: 'UInt64', maxExecutionSeconds: 'UInt32', maxMemoryBytes: 'UInt64' }, literal: true }),
  'sql-endpoint/use-database': statement({ literal: true }),
  'sql-endpoint/format-query': statement({ params: { q: 'String' } }),
  'sql-endpoint/explain-ast': statement({ params: { statement: 'Statement' } }),
  'sql-endpoint/functions': statement(),
  'sql-endpoint/combinators': statement(),
  'sql-endpoint/describe': statement({ params: { statement: 'Statement' } }),
  'sql-endpoint/with-format': statement({ params: { statement: 'Statement', format: 'Identifier' } }),
  'sql-endpoint/tagged': statement({ params: { pid: 'UInt32', run: 'UInt32', statement: 'Statement' }, literal: true }),
  'sql-endpoint/kill': statement({ params: { pid: 'UInt32', run: 'UInt32' }, literal: true }),
  'sql-endpoint/scrub': statement(),

  // ---- viewer/api/clickhouse/: ClickHouse's HTTP interface, read once at its start ----
  'clickhouse-http/server-facts': statement(),
  'clickhouse-http/output-settings': statement(),
};

export type Catalogue = typeof CATALOGUE;
export type PieceName = keyof Catalogue;
export type StatementName = { [N in PieceName]: Catalogue[N]['kind'] extends 'statement' ? N : never }[PieceName];
