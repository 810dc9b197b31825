'use strict';
/**
 * The APIs at scale: BENCH_SCALE_SPANS spans (default 100,000,000) of a day's traffic
 * (12-span traces, 40 services, 400 operations, span and resource attributes, about 1%
 * errors, a needle attribute value in one trace of a million; generate-spans.js, shape
 * `day`) written into `otel_traces` of a data directory whose schema `hindsight serve`
 * made, so every materialized view is fed as in production. Then, against `hindsight
 * serve` on that directory:
 * 1. right after the bulk load, while the engine merges and the jobs catch up: trace by
 *    id (p50/p99) and `count()` over 24 h, until no merge runs and every job's watermark
 *    is within 10 minutes of now (or BENCH_SCALE_SETTLE_S passes);
 * 2. once settled, with an in-run `count()` over 24 h through the SQL endpoint as the
 *    baseline: the SQL endpoint's fixed cost (`SELECT 1` again and again, and a new
 *    statement each time), trace by id (native and Jaeger, distinct traces spread over the
 *    day), searches (a service over 1 h and 24 h, service + attribute, the needle attribute
 *    with no service, each sort), Jaeger search with tags, RED, services and anomalies over
 *    1 h and 24 h, and the dependency map.
 * Prints one JSON line. Env: BENCH_SCALE_SPANS; BENCH_SCALE_RUNS (default 10 per query,
 * a third of that for anomalies); BENCH_SCALE_TRACES (distinct traces timed, default 100);
 * BENCH_SCALE_SETTLE_S (default 3600); BENCH_SCALE_DIR keeps the data directory there and,
 * when it already holds a run's data, reuses it (no generation, no catch-up phase; the
 * data's day ends when it was generated, so 1 h figures go stale after an hour);
 * BENCH_SCALE_CATCH_UP=1 with a reused directory forgets the edge job's work first (its
 * tables and watermarks), so the catch-up phase is timed again over the same spans.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startServer, ROOT } = require('./server');
const { generateSpans } = require('./generate-spans');
const { percentile } = require('./client');

const SPANS = Number(process.env.BENCH_SCALE_SPANS ?? 100_000_000);
const RUNS = Number(process.env.BENCH_SCALE_RUNS ?? 10);
const TRACES = Number(process.env.BENCH_SCALE_TRACES ?? 100);
const SETTLE_MS = Number(process.env.BENCH_SCALE_SETTLE_S ?? 3600) * 1000;
const KEEP_DIR = process.env.BENCH_SCALE_DIR;
const CATCH_UP_AGAIN = process.env.BENCH_SCALE_CATCH_UP === '1';
const SERVICE = 'service-3';
const log = (...args) => process.stderr.write(`[bench:scale] ${args.join(' ')}\n`);

const round = (ms) => Math.round(ms * 10) / 10;
function summary(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50_ms: round(percentile(sorted, 0.5)), p99_ms: round(percentile(sorted, 0.99)), n: sorted.length };
}

async function timedFetch(url, init) {
  const started = performance.now();
  const response = await fetch(url, init);
  const body = await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url}: ${response.status} ${Buffer.from(body).toString('utf8', 0, 300)}`);
  return { ms: performance.now() - started, body };
}

function client(api) {
  const sqlRequest = (query) => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query }) });
  return {
    async get(urlPath) {
      return (await timedFetch(`${api}${urlPath}`)).ms;
    },
    async sql(query) {
      const { ms, body } = await timedFetch(`${api}/api/v1/sql`, sqlRequest(query));
      return { ms, data: JSON.parse(Buffer.from(body).toString('utf8')).data };
    },
    async runs(urlPath, runs = RUNS) {
      const times = [];
      for (let i = 0; i < runs; i++) times.push(await this.get(urlPath));
      return summary(times);
    },
  };
}

const COUNT_24H = 'SELECT count() AS n FROM otel_traces WHERE Timestamp > now() - INTERVAL 24 HOUR';
/**
 * Background work left: merges running, and how far the edge job is behind now. Its minutes
 * follow now; its hourly roll-up covers only whole hours, so it is an hour more behind when
 * caught up. A watermark not yet written reads as 1970, far behind.
 */
const CATCH_UP_STATE = `SELECT (SELECT count() FROM system.merges) AS merges,
  greatest(dateDiff('second', (SELECT max(Watermark) FROM hindsight_jobs WHERE Name = 'service_edges'), now()),
           dateDiff('second', (SELECT max(Watermark) FROM hindsight_jobs WHERE Name = 'service_edges_hours'), now()) - 3600) AS behind_s`;
const JOBS_CAUGHT_UP_S = 600;

/** Trace by id, one after another, while the engine merges and the jobs catch up after the bulk load. */
async function duringCatchUp(api, traceIds) {
  const started = Date.now();
  const traces = [];
  const counts = [];
  let quiet = 0;
  let polled = 0;
  let last;
  for (let i = 0; Date.now() - started < SETTLE_MS; i++) {
    traces.push(await api.get(`/api/v1/traces/${traceIds[i % traceIds.length]}`));
    if (Date.now() - polled < 5000) continue;
    polled = Date.now();
    counts.push((await api.sql(COUNT_24H)).ms);
    last = (await api.sql(CATCH_UP_STATE)).data[0];
    quiet = Number(last.merges) === 0 && Number(last.behind_s) < JOBS_CAUGHT_UP_S ? quiet + 1 : 0;
    if (counts.length % 12 === 0) log(`catching up: ${Math.round((Date.now() - started) / 1000)} s, ${last.merges} merges, jobs ${last.behind_s} s behind`);
    if (quiet >= 2) break;
  }
  const traceFigures = summary(traces);
  return {
    seconds: Math.round((Date.now() - started) / 1000),
    settled: quiet >= 2,
    trace_by_id: { ...traceFigures, max_ms: round(Math.max(...traces)) },
    count_24h: { ...summary(counts), max_ms: round(Math.max(...counts)) },
  };
}

async function sqlFixedCost(api) {
  const again = [];
  const fresh = [];
  for (let i = 0; i < RUNS * 5; i++) {
    again.push((await api.sql('SELECT 1')).ms);
    // A statement the endpoint has not seen: its check parses it.
    fresh.push((await api.sql(`SELECT ${i + 2} AS n`)).ms);
  }
  return { select_1_again: summary(again), select_new_each_time: summary(fresh) };
}

async function storageFigures(api) {
  const { data } = await api.sql(`SELECT table, sum(rows) AS rows, sum(bytes_on_disk) AS bytes FROM system.parts WHERE active AND database = currentDatabase() GROUP BY table`);
  const traces = data.find((r) => r.table === 'otel_traces');
  const all = data.reduce((sum, r) => sum + Number(r.bytes), 0);
  return { otel_traces: round(Number(traces.bytes) / SPANS), all_tables: round(all / SPANS) };
}

async function quietFigures(api, built) {
  const ids = built.traceIds;
  const byId = async (prefix, some) => {
    const times = [];
    for (const id of some) times.push(await api.get(`${prefix}${id}`));
    return summary(times);
  };
  const half = Math.min(TRACES, Math.floor(ids.length / 2));
  const needle = `${built.needle.key}=${built.needle.value}`;
  const tags = encodeURIComponent(JSON.stringify({ 'http.status_code': '500' }));
  const search = (params) => `/api/v1/traces?limit=20&${params}`;
  const fewer = Math.max(3, Math.floor(RUNS / 3));
  return {
    trace_by_id: await byId('/api/v1/traces/', ids.slice(0, half)),
    jaeger_trace_by_id: await byId('/api/traces/', ids.slice(half, 2 * half)),
    search_service_1h: await api.runs(search(`service=${SERVICE}&lookback=1h`)),
    search_service_24h: await api.runs(search(`service=${SERVICE}&lookback=24h`)),
    search_service_attribute_24h: await api.runs(search(`service=${SERVICE}&attr=http.status_code%3D500&lookback=24h`)),
    search_needle_no_service_24h: await api.runs(search(`attr=${encodeURIComponent(needle)}&lookback=24h`)),
    search_sort_slowest_24h: await api.runs(search(`service=${SERVICE}&sort=slowest&lookback=24h`)),
    search_sort_most_spans_24h: await api.runs(search(`service=${SERVICE}&sort=most_spans&lookback=24h`)),
    search_sort_most_errors_24h: await api.runs(search(`service=${SERVICE}&sort=most_errors&lookback=24h`)),
    jaeger_search_tags_24h: await api.runs(`/api/traces?service=${SERVICE}&tags=${tags}&lookback=24h&limit=20`),
    red_1h: await api.runs(`/api/v1/services/${SERVICE}/metrics?lookback=1h`),
    red_24h: await api.runs(`/api/v1/services/${SERVICE}/metrics?lookback=24h`),
    services_1h: await api.runs('/api/v1/services?lookback=1h'),
    services_24h: await api.runs('/api/v1/services?lookback=24h'),
    anomalies_1h: await api.runs('/api/v1/anomalies?lookback=1h', fewer),
    anomalies_24h: await api.runs('/api/v1/anomalies?lookback=24h', fewer),
    dependencies_1h: await api.runs('/api/v1/dependencies?lookback=1h'),
    dependencies_24h: await api.runs('/api/v1/dependencies?lookback=24h'),
  };
}

/** The edge job's tables and watermarks emptied, in a process of its own (the directory is not open elsewhere). */
function forgetEdgeJob(dataDir) {
  const script = `
    const { createClient } = require('@clickhouse/client');
    const { createChdbConnection } = require('chdb/connection');
    const client = createClient({ connection: createChdbConnection({ path: process.argv[1] }) });
    (async () => {
      for (const t of ['hindsight_service_edges_1m', 'hindsight_service_edges_1h']) await client.command({ query: 'TRUNCATE TABLE otel.' + t });
      await client.command({ query: "DELETE FROM otel.hindsight_jobs WHERE Name LIKE 'service_edges%'" });
      await client.close();
    })().catch((e) => { console.error(e); process.exit(1); });`;
  execFileSync(process.execPath, ['-e', script, dataDir], { cwd: ROOT, stdio: 'inherit' });
}

async function data(dataDir) {
  const saved = path.join(dataDir, 'bench-scale.json');
  if (KEEP_DIR !== undefined && fs.existsSync(saved)) {
    log(`reusing the spans in ${dataDir}`);
    return { built: JSON.parse(fs.readFileSync(saved, 'utf8')), reused: true };
  }
  log(`generating ${SPANS} spans over the last 24 hours into ${dataDir}`);
  const built = await generateSpans({ dataDir, spans: SPANS, shape: 'day' });
  log(`generated in ${Math.round(built.generateMs / 1000)} s`);
  if (KEEP_DIR !== undefined) fs.writeFileSync(saved, JSON.stringify({ ...built, spans: SPANS }));
  return { built, reused: false };
}

async function main() {
  const dataDir = KEEP_DIR === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-bench-scale-')) : path.resolve(KEEP_DIR);
  fs.mkdirSync(dataDir, { recursive: true });
  const load = [os.loadavg()[0]];
  try {
    const { built, reused } = await data(dataDir);
    const catchUpAgain = reused && CATCH_UP_AGAIN;
    if (catchUpAgain) {
      log("forgetting the edge job's work, to time its catch-up again");
      forgetEdgeJob(dataDir);
    }
    const server = await startServer(dataDir, []);
    const api = client(`http://127.0.0.1:${server.ports.ui}`);
    try {
      const timeCatchUp = !reused || catchUpAgain;
      log(timeCatchUp ? 'server up; timing trace by id while the engine merges and the jobs catch up' : 'server up');
      const catchUp = timeCatchUp ? await duringCatchUp(api, built.traceIds) : undefined;
      load.push(os.loadavg()[0]);
      const counts = [];
      for (let i = 0; i < RUNS; i++) counts.push((await api.sql(COUNT_24H)).ms);
      log('timing the APIs');
      const sql = await sqlFixedCost(api);
      const figures = await quietFigures(api, built);
      load.push(os.loadavg()[0]);
      console.log(
        JSON.stringify({
          bench: 'scale',
          spans: SPANS,
          generate_ms: reused ? undefined : built.generateMs,
          bytes_per_span: await storageFigures(api),
          load_avg_1m: load.map((l) => Math.round(l * 10) / 10),
          after_bulk_load: catchUp,
          baseline_count_24h_p50_ms: summary(counts).p50_ms,
          sql,
          ...figures,
          targets_ms: { trace_by_id_p99: 50, search_p50: 300, red_services_dependencies: 200, anomalies_24h: 1000, trace_by_id_p99_after_bulk_load: 500 },
        }),
      );
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  } finally {
    if (KEEP_DIR === undefined) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
