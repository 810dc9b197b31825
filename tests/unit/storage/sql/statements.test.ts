/**
 * Every statement the process runs, rendered and pinned: one golden file per
 * statement (<name>.golden.sql beside this file), rendered on the test database with its fragments
 * on, and with its parameters, so a change to any query shows up in review as a
 * change to its golden file. Regenerate with UPDATE_GOLDEN=1. The migrations' DDL
 * is pinned whole, in order, by ../schema.golden.sql and ../schema.cluster.golden.sql:
 * each of those statements is checked to stand there as it renders.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SPAN_COLUMNS } from '../../../../storage/columns';
import { CATALOGUE, type StatementName } from '../../../../storage/sql/catalogue';
import type { SqlText } from '../../../../storage/sql/declare';
import { normalizedStatement, SqlRegistry, type Rendered } from '../../../../storage/sql/registry';

const sql = SqlRegistry.load('otel');
const RANGE = { startNs: 1_700_000_000_000_000_000n, endNs: 1_700_003_600_000_000_000n };
const CLUSTER = 'hindsight';
const statement = normalizedStatement('SELECT ServiceName, count() FROM otel_traces GROUP BY ServiceName');

/** Each statement's representative renderings, by a label saying which fragments are on. */
const SAMPLES: { [N in StatementName]: Record<string, (name: N) => Rendered> } = {
  'query/services': { minutes: (n) => sql.render(n, RANGE) },
  'query/operations': {
    'without a kind': (n) => sql.render(n, { ...RANGE, service: 'checkout' }),
    'one span kind': (n) => sql.render(n, { ...RANGE, service: 'checkout', spanKind: 'Server' }),
  },
  'query/attribute-keys': {
    'every service': (n) => sql.render(n, RANGE),
    'one service': (n) => sql.render(n, { ...RANGE, service: 'checkout' }),
  },
  'query/span-matches': {
    'every filter, one read': (n) =>
      sql.render(
        n,
        { ...RANGE, service: 'checkout', operation: 'GET /cart', minDuration: 1_000_000n, maxDuration: 9_000_000n, status: 'Error' },
        {
          lead: 'none',
          withServices: [],
          attributes: [
            { use: 'exists', params: { attrKey: 'http.route' } },
            { use: 'ne', params: { attrKey: 'region', attrValue: 'eu' } },
            { use: 'contains', params: { attrKey: 'user_agent', attrValue: 'curl' } },
          ],
        },
      ),
    'numeric attribute comparisons': (n) =>
      sql.render(n, RANGE, {
        lead: 'none',
        withServices: [],
        attributes: [
          { use: 'gt', params: { attrKey: 'app.amount', attrNumber: 300 } },
          { use: 'ge', params: { attrKey: 'app.amount', attrNumber: 300.5 } },
          { use: 'lt', params: { attrKey: 'app.amount', attrNumber: -1 } },
          { use: 'le', params: { attrKey: 'app.amount', attrNumber: 1e21 } },
        ],
      }),
    "an equality on the span's attributes, beside another filter": (n) =>
      sql.render(n, { ...RANGE, leadKey: 'http.method', leadValue: 'GET' }, { lead: 'span', withServices: [], attributes: [{ use: 'exists', params: { attrKey: 'http.route' } }] }),
    "the same on its resource's": (n) =>
      sql.render(n, { ...RANGE, leadKey: 'http.method', leadValue: 'GET' }, { lead: 'resource', withServices: [], attributes: [{ use: 'exists', params: { attrKey: 'http.route' } }] }),
    "Jaeger tags: span fields, and the leading tag on the span's events": (n) =>
      sql.render(
        n,
        { ...RANGE, statusNot: 'Error', spanKind: 'Server', scopeName: 'io.opentelemetry.http', leadKey: 'exception.type', leadValue: 'IOError' },
        { lead: 'event', withServices: [], attributes: [] },
      ),
  },
  'query/search-trace-ids': {
    'a Jaeger tag and a service, in three reads': (n) =>
      sql.render(n, {
        matches: sql.unionAll(
          (['span', 'resource', 'event'] as const).map((lead) =>
            sql.render('query/span-matches', { ...RANGE, service: 'checkout', leadKey: 'http.status_code', leadValue: '500' }, { lead, withServices: [], attributes: [] }),
          ),
        ),
        limit: 20,
      }),
  },
  'query/search-traces': {
    'newest, an equality in two reads': (n) =>
      sql.render(
        n,
        {
          matches: sql.unionAll(
            (['span', 'resource'] as const).map((lead) => sql.render('query/span-matches', { ...RANGE, leadKey: 'http.method', leadValue: 'GET' }, { lead, withServices: [], attributes: [] })),
          ),
          candidates: 20,
          limit: 20,
        },
        { order: 'newest' },
      ),
    'slowest, a span duration in one read': (n) =>
      sql.render(
        n,
        { matches: sql.render('query/span-matches', { ...RANGE, minDuration: 1_000_000n }, { lead: 'none', withServices: [], attributes: [] }), candidates: 10_000, limit: 20 },
        { order: 'slowest' },
      ),
    'most errors, a status': (n) =>
      sql.render(
        n,
        { matches: sql.render('query/span-matches', { ...RANGE, status: 'Error' }, { lead: 'none', withServices: [], attributes: [] }), candidates: 10_000, limit: 20 },
        { order: 'most_errors' },
      ),
  },
  'query/tail-spans': {
    'no filter': (n) => sql.render(n, { fromNs: RANGE.startNs, toNs: RANGE.startNs + 1_000_000_000n, limit: 100 }, { attributes: [] }),
    'every filter': (n) =>
      sql.render(
        n,
        { fromNs: RANGE.startNs, toNs: RANGE.startNs + 1_000_000_000n, service: 'checkout', operation: 'GET /cart', minDuration: 1_000_000n, status: 'Error', limit: 10 },
        {
          attributes: [
            { use: 'eq', params: { attrKey: 'http.method', attrValue: 'GET' } },
            { use: 'gt', params: { attrKey: 'app.amount', attrNumber: 300 } },
          ],
        },
      ),
  },
  'query/search-trace-summaries': {
    'newest, no filter': (n) => sql.render(n, { ...RANGE, edge: 19, limit: 20 }, { order: 'newest', withServices: [], from: 'hour', pick: 'newest' }),
    'slowest, one service': (n) => sql.render(n, { ...RANGE, service: 'checkout', edge: 9_999, limit: 20 }, { order: 'slowest', withServices: [], from: 'row', pick: 'every' }),
    'most spans, one operation': (n) => sql.render(n, { ...RANGE, operation: 'GET /cart', edge: 9_999, limit: 20 }, { order: 'most_spans', withServices: [], from: 'row', pick: 'every' }),
    "most errors, a service's operation": (n) =>
      sql.render(n, { ...RANGE, pairService: 'checkout', pairOperation: 'GET /cart', edge: 9_999, limit: 20 }, { order: 'most_errors', withServices: [], from: 'row', pick: 'every' }),
  },
  'query/explain-durations': {
    'the 95th percentile, no filter': (n) => sql.render(n, { ...RANGE, threshold: 0n }, { attributes: [] }),
    'a given threshold, every filter': (n) =>
      sql.render(
        n,
        { ...RANGE, service: 'checkout', operation: 'GET /cart', minDuration: 1_000_000n, maxDuration: 9_000_000_000n, status: 'Error', threshold: 268_000_000n },
        { attributes: [{ use: 'eq', params: { attrKey: 'region', attrValue: 'eu-west' } }] },
      ),
  },
  'query/explain': {
    'one operation': (n) => sql.render(n, { ...RANGE, service: 'checkout', operation: 'GET /cart', threshold: 268_000_000n, perGroup: 1000, candidates: 200 }, { attributes: [] }),
    'every filter': (n) =>
      sql.render(
        n,
        { ...RANGE, service: 'checkout', operation: 'GET /cart', minDuration: 1_000_000n, maxDuration: 9_000_000_000n, status: 'Error', threshold: 268_000_000n, perGroup: 1000, candidates: 200 },
        {
          attributes: [
            { use: 'eq', params: { attrKey: 'region', attrValue: 'eu-west' } },
            { use: 'gt', params: { attrKey: 'app.items', attrNumber: 3 } },
          ],
        },
      ),
  },
  'query/dependencies': { range: (n) => sql.render(n, { ...RANGE, liveFrom: 1_700_003_580, hourFrom: 1_700_002_800, hourTo: 1_700_002_800 }) },
  'query/dependencies-digests': { range: (n) => sql.render(n, { ...RANGE, liveFrom: 1_700_003_580 }) },
  'query/dependencies-live': {
    'service edges': (n) => sql.render(n, { from: 1_700_003_580, to: 1_700_003_641, parentFrom: 1_699_999_980 }, { edges: 'service' }),
    'external peers': (n) => sql.render(n, { from: 1_700_003_580, to: 1_700_003_641, childTo: 1_700_003_941 }, { edges: 'external' }),
    'broker edges': (n) => sql.render(n, { from: 1_700_003_580, to: 1_700_003_641, parentFrom: 1_699_999_980 }, { edges: 'messaging' }),
  },
  'query/live-span-kinds': { '': (n) => sql.render(n, { from: 1_700_003_580, to: 1_700_003_641 }) },
  'query/edges-watermark': { '': (n) => sql.render(n, {}) },
  'query/service-requests': { minutes: (n) => sql.render(n, RANGE) },
  'query/red-series': {
    "the service's requests": (n) => sql.render(n, { ...RANGE, service: 'checkout', bucket: 10 }, { spans: 'requests' }),
    'one operation': (n) => sql.render(n, { ...RANGE, service: 'checkout', bucket: 30, operation: 'GET /cart' }, { spans: 'operation' }),
  },
  'query/red-series-minutes': {
    "the service's requests": (n) => sql.render(n, { ...RANGE, service: 'checkout', bucket: 60 }, { spans: 'requests' }),
    'one operation': (n) => sql.render(n, { ...RANGE, service: 'checkout', bucket: 1800, operation: 'GET /cart' }, { spans: 'operation' }),
  },
  'query/baselines': { 'seven days': (n) => sql.render(n, { baseStartNs: RANGE.startNs - 604_800_000_000_000n, endNs: RANGE.endNs, exactFromNs: RANGE.endNs - 3_600_000_000_000n, minSamples: 50 }) },
  'query/operation-windows': {
    minutes: (n) => sql.render(n, { ...RANGE, bucket: 60, rollup: 'hindsight_operations_1m' }, { buckets: 'minutes' }),
    'fifteen minutes': (n) => sql.render(n, { ...RANGE, bucket: 900, rollup: 'hindsight_operations_5m' }, { buckets: 'minutes' }),
    hours: (n) => sql.render(n, { ...RANGE, bucket: 3600 }, { buckets: 'hours' }),
  },
  'query/operation-window-details': {
    'two buckets': (n) =>
      sql.render(
        n,
        { ...RANGE, bucket: 900, rollup: 'hindsight_operations_5m', services: ['checkout', 'cart'], operations: ['POST /checkout', 'GET /cart'], ts: [1_700_000_100, 1_700_001_000] },
        { buckets: 'minutes' },
      ),
  },
  'query/trace-spans': { 'one trace': (n) => sql.render(n, { traceId: '5b8efff798038103d269b633813fc60c' }) },
  'query/traces-by-id': {
    'several traces': (n) => sql.render(n, { traceIds: ['5b8efff798038103d269b633813fc60c', '0af7651916cd43dd8448eb211c80319c'] }),
  },
  'query/traces-spans': {
    'several traces': (n) => sql.render(n, { ...RANGE, traceIds: ['5b8efff798038103d269b633813fc60c', '0af7651916cd43dd8448eb211c80319c'] }, { columns: 'full' }),
    'their shape': (n) => sql.render(n, { ...RANGE, traceIds: ['5b8efff798038103d269b633813fc60c', '0af7651916cd43dd8448eb211c80319c'] }, { columns: 'shape' }),
  },
  'query/skewed-traces': { '': (n) => sql.render(n, { ...RANGE, traceIds: ['5b8efff798038103d269b633813fc60c', '0af7651916cd43dd8448eb211c80319c'] }) },

  'jobs/first-span-minute': { '': (n) => sql.render(n, {}) },
  'jobs/server-now': { '': (n) => sql.render(n, {}) },
  'jobs/watermark': { '': (n) => sql.render(n, { name: 'service_edges' }) },
  'jobs/set-watermark': { '': (n) => sql.render(n, { name: 'service_edges', watermark: 1_700_000_040 }) },
  'jobs/late-arrivals': { '': (n) => sql.render(n, { from: 1_700_000_000, to: 1_700_000_030, watermark: 1_700_000_040, limit: 10_000 }) },
  'jobs/edge-table-engine': { '': (n) => sql.render(n, {}) },
  'jobs/delete-edges': {
    'minutes on one node': (n) => sql.render(n, { table: 'hindsight_service_edges_1m', from: 1_700_000_040, to: 1_700_003_640 }),
    'from a minute on, on a cluster': (n) => sql.render(n, { table: 'hindsight_service_edges_1m_local', cluster: CLUSTER, from: 1_700_000_040 }),
  },
  'jobs/first-edge-hour': { '': (n) => sql.render(n, {}) },
  'jobs/hour-edges': { '': (n) => sql.render(n, { from: 1_699_999_200, to: 1_700_002_800 }) },
  'jobs/delete-hour-edges': {
    'hours on one node': (n) => sql.render(n, { table: 'hindsight_service_edges_1h', from: 1_699_999_200, to: 1_700_002_800 }),
    'from an hour on, on a cluster': (n) => sql.render(n, { table: 'hindsight_service_edges_1h_local', cluster: CLUSTER, from: 1_699_999_200 }),
  },
  'jobs/service-edges': { '': (n) => sql.render(n, { from: 1_700_000_040, to: 1_700_003_640, parentFrom: 1_699_996_440 }) },
  'jobs/external-edges': { '': (n) => sql.render(n, { from: 1_700_000_040, to: 1_700_003_640, childTo: 1_700_003_940 }) },
  'jobs/messaging-edges': { '': (n) => sql.render(n, { from: 1_700_000_040, to: 1_700_003_640, parentFrom: 1_699_996_440 }) },
  'jobs/backfill': {
    'an hour of trace summaries': (n) => sql.render(n, { target: 'hindsight_trace_summaries', select: selectOf('schema/views/select/hindsight_trace_summaries', { from: 1_700_000_000 }) }),
  },
  'jobs/span-hours': { '': (n) => sql.render(n, { cutoff: 1_700_003_640 }) },
  'jobs/min-watermark': { '': (n) => sql.render(n, { name: 'backfill/hindsight_trace_summaries_mv' }) },
  'jobs/backfill-leader': { '': (n) => sql.render(n, {}) },

  'ingest/stored-probes': {
    'two probes': (n) => sql.render(n, { min: RANGE.startNs, max: RANGE.endNs, traces: ['5b8efff798038103d269b633813fc60c', 'eee19b7ec3c1b174'], spans: ['eee19b7ec3c1b174', '5b8efff79803810'] }),
  },

  'store/insert-rows': {
    spans: (n) => sql.render(n, { table: 'otel_traces', columns: SPAN_COLUMNS }),
    "a shard's local table": (n) => sql.render(n, { table: 'otel_traces_local', columns: SPAN_COLUMNS }),
  },
  'store/insert-native-file': {
    spans: (n) => sql.render(n, { table: 'otel_traces', columns: SPAN_COLUMNS, file: '/dev/shm/hindsight-insert-x/0.native' }),
  },

  'schema/create-database': {
    'one node': (n) => sql.render(n, {}),
    'a cluster': (n) => sql.render(n, { cluster: CLUSTER }),
  },
  ...tables(),
  'schema/distributed': { spans: (n) => sql.render(n, { table: 'otel_traces', local: 'otel_traces_local', cluster: CLUSTER }, { shardingKey: 'traceId' }) },
  'schema/views/otel_traces_trace_id_ts_mv': {
    'one node': (n) => sql.render(n, { source: 'otel_traces', target: 'otel_traces_trace_id_ts' }),
    'a cluster': (n) => sql.render(n, { source: 'otel_traces_local', target: 'otel_traces_trace_id_ts_local', cluster: CLUSTER }),
  },
  'schema/views/hindsight_late_arrivals_mv': { 'one node': (n) => sql.render(n, { source: 'otel_traces', target: 'hindsight_late_arrivals', lateSeconds: 30 }) },
  'schema/views/select/hindsight_trace_summaries': selects(),
  'schema/views/select/hindsight_operations_1m': selects(),
  'schema/views/select/hindsight_operations_1m_v7': selects(),
  'schema/views/select/hindsight_operations_1m_v8': selects(),
  'schema/views/select/hindsight_operations_5m': { 'one node': (n) => sql.render(n, { source: 'hindsight_operations_1m' }) },
  'schema/views/select/hindsight_operations_1h': { 'a cluster': (n) => sql.render(n, { source: 'hindsight_operations_1m_local' }) },
  'schema/add-trace-latency': {
    'one node': (n) => sql.render(n, { table: 'hindsight_operations_1m' }),
    'a cluster': (n) => sql.render(n, { table: 'hindsight_operations_1h_local', cluster: CLUSTER }),
  },
  'schema/add-root-counts': {
    'one node': (n) => sql.render(n, { table: 'hindsight_operations_1m' }),
    'a cluster': (n) => sql.render(n, { table: 'hindsight_operations_1m_local', cluster: CLUSTER }),
  },
  'schema/add-edge-histogram': {
    'one node': (n) => sql.render(n, { table: 'hindsight_service_edges_1m' }),
    'a cluster': (n) => sql.render(n, { table: 'hindsight_service_edges_1m_local', cluster: CLUSTER }),
  },
  'schema/views/hindsight_trace_summaries_mv': {
    'one node': (n) => sql.render(n, { target: 'hindsight_trace_summaries', select: selectOf('schema/views/select/hindsight_trace_summaries', {}) }),
    'a cluster': (n) => sql.render(n, { target: 'hindsight_trace_summaries_local', cluster: CLUSTER, select: selectOf('schema/views/select/hindsight_trace_summaries', {}, 'otel_traces_local') }),
  },
  'schema/views/hindsight_operations_1m_mv': {
    'one node': (n) => sql.render(n, { target: 'hindsight_operations_1m', select: selectOf('schema/views/select/hindsight_operations_1m_v7', {}) }),
    'a cluster': (n) => sql.render(n, { target: 'hindsight_operations_1m_local', cluster: CLUSTER, select: selectOf('schema/views/select/hindsight_operations_1m_v7', {}, 'otel_traces_local') }),
  },
  'schema/views/hindsight_operations_5m_mv': {
    'one node': (n) => sql.render(n, { source: 'hindsight_operations_1m', target: 'hindsight_operations_5m' }),
    'a cluster': (n) => sql.render(n, { source: 'hindsight_operations_1m_local', target: 'hindsight_operations_5m_local', cluster: CLUSTER }),
  },
  'schema/views/hindsight_operations_1h_mv': {
    'one node': (n) => sql.render(n, { source: 'hindsight_operations_1m', target: 'hindsight_operations_1h' }),
    'a cluster': (n) => sql.render(n, { source: 'hindsight_operations_1m_local', target: 'hindsight_operations_1h_local', cluster: CLUSTER }),
  },
  'schema/modify-view-query': {
    'lift the cutoff on a cluster': (n) =>
      sql.render(n, { view: 'hindsight_trace_summaries_mv', cluster: CLUSTER, select: selectOf('schema/views/select/hindsight_trace_summaries', {}, 'otel_traces_local') }),
  },
  'schema/spans-exist': { '': (n) => sql.render(n, {}) },
  'schema/applied-migrations': { '': (n) => sql.render(n, {}) },
  'schema/record-migration': { '': (n) => sql.render(n, { version: 4, name: 'minutes that received late spans, for the edge job to recompute' }) },
  'schema/table-engines': { '': (n) => sql.render(n, { names: ['otel_traces', 'hindsight_service_edges_1m'] }) },
  'schema/merge-settings': {
    'one node': (n) => sql.render(n, { table: 'otel_traces' }),
    'a cluster': (n) => sql.render(n, { table: 'otel_traces_local', cluster: CLUSTER }),
  },
  'schema/drop-value-indexes': {
    'one node': (n) => sql.render(n, { table: 'otel_traces' }),
    'a cluster': (n) => sql.render(n, { table: 'otel_traces_local', cluster: CLUSTER }),
  },
  'schema/add-value-indexes': {
    'one node': (n) => sql.render(n, { table: 'otel_traces' }),
    'a cluster': (n) => sql.render(n, { table: 'otel_traces_local', cluster: CLUSTER }),
  },
  'schema/materialize-value-indexes': {
    'one node': (n) => sql.render(n, { table: 'otel_traces' }),
    'a cluster': (n) => sql.render(n, { table: 'otel_traces_local', cluster: CLUSTER }),
  },
  'schema/alter-ttl': {
    'spans on one node': (n) => sql.render(n, { table: 'otel_traces', retentionDays: 30 }, { ttl: 'otel_traces' }),
    'edges on a cluster': (n) => sql.render(n, { table: 'hindsight_service_edges_1m_local', cluster: CLUSTER, retentionDays: 30 }, { ttl: 'hindsight_service_edges_1m' }),
  },

  'sql-endpoint/read-only': { '': (n) => sql.render(n, {}) },
  'sql-endpoint/reader-limits': { defaults: (n) => sql.render(n, { maxRows: 100_000, maxExecutionSeconds: 30, maxMemoryBytes: 1_073_741_824 }) },
  'sql-endpoint/use-database': { '': (n) => sql.render(n, {}) },
  'sql-endpoint/format-query': { '': (n) => sql.render(n, { q: 'select ServiceName, count() from otel_traces group by 1 -- a comment' }) },
  'sql-endpoint/explain-ast': { '': (n) => sql.render(n, { statement }) },
  'sql-endpoint/functions': { '': (n) => sql.render(n, {}) },
  'sql-endpoint/combinators': { '': (n) => sql.render(n, {}) },
  'sql-endpoint/describe': { '': (n) => sql.render(n, { statement }) },
  'sql-endpoint/with-format': { '': (n) => sql.render(n, { statement, format: 'JSONEachRow' }) },
  'sql-endpoint/tagged': { '': (n) => sql.render(n, { pid: 4242, run: 7, statement }) },
  'sql-endpoint/kill': { '': (n) => sql.render(n, { pid: 4242, run: 7 }) },
  'sql-endpoint/scrub': { '': (n) => sql.render(n, {}) },
  'clickhouse-http/server-facts': { '': (n) => sql.render(n, {}) },
  'clickhouse-http/output-settings': { '': (n) => sql.render(n, {}) },
};

/** Each table's CREATE on one node and, as its local (or global) table, on a cluster. */
type TableStatement = Extract<StatementName, `schema/tables/${string}`>;

function tables(): Pick<typeof SAMPLES, TableStatement> {
  const local = (table: string, global: boolean): string => (global ? table : `${table}_local`);
  const create = (table: string, global = false): Record<string, (name: TableStatement) => Rendered> => ({
    'one node': (n) => sql.render(n, { table, retentionDays: 7 }, { engine: 'single' }),
    'a cluster': (n) => sql.render(n, { table: local(table, global), cluster: CLUSTER, retentionDays: 7 }, { engine: 'cluster' }),
  });
  return {
    'schema/tables/otel_traces': create('otel_traces'),
    'schema/tables/otel_traces_trace_id_ts': create('otel_traces_trace_id_ts'),
    'schema/tables/hindsight_service_edges_1h': create('hindsight_service_edges_1h'),
    'schema/tables/hindsight_service_edges_1m': create('hindsight_service_edges_1m'),
    'schema/tables/hindsight_jobs': create('hindsight_jobs', true),
    'schema/tables/hindsight_late_arrivals': create('hindsight_late_arrivals'),
    'schema/tables/hindsight_schema_migrations': create('hindsight_schema_migrations', true),
    'schema/tables/hindsight_trace_summaries': create('hindsight_trace_summaries'),
    'schema/tables/hindsight_operations_1m': create('hindsight_operations_1m'),
    'schema/tables/hindsight_operations_5m': create('hindsight_operations_5m'),
    'schema/tables/hindsight_operations_1h': create('hindsight_operations_1h'),
  };
}

type ViewSelect =
  'schema/views/select/hindsight_trace_summaries' | 'schema/views/select/hindsight_operations_1m' | 'schema/views/select/hindsight_operations_1m_v7' | 'schema/views/select/hindsight_operations_1m_v8';

function selectOf(name: ViewSelect, spans: { cutoff?: number; from?: number }, source = 'otel_traces'): SqlText {
  const hours = spans.from === undefined ? {} : { from: spans.from, to: spans.from + 3600 };
  return sql.render(name, { source, cutoff: spans.cutoff, ...hours }).query;
}

/** A backfilled view's SELECT: every span, from a cutoff on, one backfill step. */
function selects(): Record<string, (name: ViewSelect) => Rendered> {
  return {
    'every span': (n) => sql.render(n, { source: 'otel_traces' }),
    'from a cutoff on': (n) => sql.render(n, { source: 'otel_traces', cutoff: 1_700_003_640 }),
    'one backfill step': (n) => sql.render(n, { source: 'otel_traces', from: 1_700_000_000, to: 1_700_003_600 }),
  };
}

function rendered(name: StatementName): string {
  const samples = SAMPLES[name] as Record<string, (name: StatementName) => Rendered>;
  return Object.entries(samples)
    .map(([label, render]) => {
      const { query, query_params } = render(name);
      const params = Object.keys(query_params).length === 0 ? '' : `-- parameters: ${JSON.stringify(query_params)}\n`;
      return `${label === '' ? '' : `-- ${label}\n`}${params}${query};\n`;
    })
    .join('\n');
}

const statements = (Object.keys(CATALOGUE) as (keyof typeof CATALOGUE)[]).filter((name): name is StatementName => CATALOGUE[name].kind === 'statement');

/**
 * The migrations' DDL, already pinned whole (single node and cluster) by the schema's
 * golden files. The bootstrap (database, migrations table) stands there only for a cluster.
 */
const inSchemaGolden = (name: StatementName): boolean => /^schema\/(tables\/|views\/(?!select\/)|distributed$)/.test(name) && name !== 'schema/tables/hindsight_schema_migrations';
const SCHEMA_GOLDEN = ['schema.golden.sql', 'schema.cluster.golden.sql'].map((file) => fs.readFileSync(path.join(__dirname, '..', file), 'utf8')).join('\n');

test('every statement in the catalogue has samples, and only those', () => {
  expect(Object.keys(SAMPLES).sort()).toEqual([...statements].sort());
});

test.each(statements.filter((name) => !inSchemaGolden(name)))('%s matches its golden file', (name) => {
  const file = path.join(__dirname, `${name}.golden.sql`);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, rendered(name));
  }
  expect(rendered(name)).toBe(fs.readFileSync(file, 'utf8'));
});

test.each(statements.filter(inSchemaGolden))('%s stands in the schema golden files as rendered', (name) => {
  for (const render of Object.values(SAMPLES[name] as Record<string, (name: StatementName) => Rendered>)) expect(SCHEMA_GOLDEN).toContain(`${render(name).query};\n`);
});
