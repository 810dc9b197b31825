'use strict';
/**
 * Ingest benchmark: SDK-made OTLP protobuf requests sent over loopback HTTP by
 * concurrent clients to `hindsight serve` (embedded chDB) for BENCH_SECONDS.
 * Prints one JSON line. The decode-only rate of the same payloads, measured in the
 * same run, is the baseline the end-to-end rate is read against on a noisy machine.
 *
 * The load cycles through BENCH_REQUESTS payloads with their trace ids changed on
 * every round (payloads.distinctRequests): the collector stores a byte-identical
 * request only once, as exporters' retries need. On-disk size is measured twice: on
 * that load (the same attributes again and again compress better than real traffic
 * would) and on a separate run that stores BENCH_UNIQUE_REQUESTS payloads made
 * independently by the SDK, the honest figure.
 *
 * The load runs twice, on a fresh server each, with 8 and with 32 concurrent
 * keep-alive clients. The engine-only rate (the same spans' Native blocks inserted
 * into otel_traces, its views and skip indexes included, with nothing else running,
 * engine-cost.js) is the ceiling each end-to-end rate is also read against.
 *
 * Each load run also says where the cores went (CPU per server thread, and the bench's
 * own clients, which share the machine) and what the engine did (inserts, parts written
 * and merged per second): server-profile.js.
 *
 * Env: BENCH_SECONDS (default 25), BENCH_CONCURRENCY (default "8,32"), BENCH_REQUESTS
 * (distinct payloads, default 50), BENCH_SERVER_ARGS (extra `hindsight serve` flags),
 * BENCH_NODE_ARGS (flags for the server's Node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p";
 * cpu-profile.js sums such a profile by stage), BENCH_DIST (the build to serve, default
 * "dist"; another build, with node_modules reachable from it, compares two builds in one run).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { execFileSync } = require('node:child_process');
const { makeRequests, distinctRequests } = require('./payloads');
const { startServer } = require('./server');
const { percentile, postOnce, procStatus } = require('./client');
const { threadTicks, coresByThread, engineEvents, engineActivity, activeParts } = require('./server-profile');

const ROOT = path.resolve(__dirname, '../..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 25);
// A collector is fed by several exporters at once: 8 is a small fan-in, 32 a modest one.
const CONCURRENCIES = (process.env.BENCH_CONCURRENCY ?? '8,32').split(',').map(Number);
const DISTINCT = Number(process.env.BENCH_REQUESTS ?? 50);
const UNIQUE = Number(process.env.BENCH_UNIQUE_REQUESTS ?? 100);
const SERVER_ARGS = (process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean);
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const SPANS_PER_REQUEST = 1000;

const log = (...args) => process.stderr.write(`[bench] ${args.join(' ')}\n`);

function rate(fn, payloads, ms = 3000) {
  const started = performance.now();
  let spans = 0;
  for (let i = 0; performance.now() - started < ms; i++) spans += fn(payloads[i % payloads.length]);
  return Math.round(spans / ((performance.now() - started) / 1000));
}

/**
 * In-run baselines on one core: Hindsight's own decoder (protobuf straight to row
 * bytes, everything the collector does to a request before the insert), and
 * protobufjs's reflection decode for reference. The second is reported but not
 * compared against: between processes it was seen to settle at either ~140k or
 * ~500k spans/s for the same payloads, too unstable to be a yardstick.
 */
function baselines(payloads) {
  const { normalizeBody } = require(path.join(ROOT, 'dist/collector/otlp/decode'));
  const { decodeRequest } = require(path.join(ROOT, 'dist/collector/otlp/normalize'));
  const decode = (p) => normalizeBody(p, 'protobuf').rows.spans;
  rate(decode, payloads, 500); // warm up
  return {
    decodeOnly: rate(decode, payloads),
    protobufjs: rate((p) => (decodeRequest(p, 'protobuf'), SPANS_PER_REQUEST), payloads),
  };
}

async function load(port, payloads, concurrency) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = [];
  let accepted = 0;
  let refused = 0;
  const nextBody = distinctRequests(payloads);
  const deadline = performance.now() + SECONDS * 1000;
  async function client() {
    while (performance.now() < deadline) {
      const body = nextBody();
      const started = performance.now();
      const { status, retryAfter } = await postOnce(agent, port, body);
      if (status === 200) {
        latencies.push(performance.now() - started);
        accepted += SPANS_PER_REQUEST;
      } else if (status === 429 || status === 503) {
        refused++;
        await new Promise((r) => setTimeout(r, Math.min(retryAfter * 1000, 200)));
      } else {
        throw new Error(`unexpected status ${status}`);
      }
    }
  }
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, client));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p) => Math.round(percentile(latencies, p) * 10) / 10;
  return { accepted, refused, requests: latencies.length, elapsed, p50: pct(0.5), p99: pct(0.99) };
}

/** libchdb opens one data directory per process: read the stopped server's directory from a fresh one. */
function storageFigures(dataDir) {
  const script = `
    const { createClient } = require('@clickhouse/client');
    const { createChdbConnection } = require('chdb/connection');
    const client = createClient({ connection: createChdbConnection({ path: process.argv[1] }) });
    const one = async (q) => (await (await client.query({ query: q, format: 'JSONEachRow' })).json())[0];
    const parts = "SELECT sum(rows) AS rows, sum(bytes_on_disk) AS bytes FROM system.parts WHERE active AND database = 'otel' AND table = 'otel_traces'";
    (async () => {
      const rows = await one('SELECT count() AS n FROM otel.otel_traces');
      const before = await one(parts);
      await client.command({ query: 'OPTIMIZE TABLE otel.otel_traces FINAL' });
      const after = await one(parts);
      process.stdout.write(JSON.stringify({ rows: Number(rows.n), before, after }));
      await client.close();
    })().catch((e) => { console.error(e); process.exit(1); });`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script, dataDir], { cwd: ROOT, encoding: 'utf8' }));
}

/** The engine's own cost per span, from a process of its own (engine-cost.js). */
function engineCost() {
  return JSON.parse(execFileSync(process.execPath, [path.join(__dirname, 'engine-cost.js')], { cwd: ROOT, encoding: 'utf8' }));
}

/** Stores each payload once on a fresh server and returns the storage figures. */
async function uniqueStorage(payloads) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-bench-unique-'));
  try {
    const server = await startServer(dataDir, SERVER_ARGS);
    const agent = new http.Agent({ keepAlive: true });
    for (const body of payloads) {
      const { status } = await postOnce(agent, server.ports.otlpHttp, body);
      if (status !== 200) throw new Error(`unique payload refused with ${status}`);
    }
    agent.destroy();
    server.child.kill('SIGTERM');
    await server.exited;
    return storageFigures(dataDir);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function perSpan(bytes, rows) {
  return Math.round((Number(bytes) / rows) * 10) / 10;
}

async function main() {
  log(`making ${DISTINCT} requests of ${SPANS_PER_REQUEST} spans with the OpenTelemetry SDK`);
  const payloads = makeRequests(DISTINCT, SPANS_PER_REQUEST);
  log('measuring the decode baseline');
  const base = baselines(payloads);
  log("measuring the engine's parse and insert cost per span");
  const engine = engineCost();

  log(`storing ${UNIQUE} distinct requests once, for the on-disk size of unreplayed data`);
  const unique = await uniqueStorage(makeRequests(UNIQUE, SPANS_PER_REQUEST));

  const runs = {};
  for (const concurrency of CONCURRENCIES) runs[`c${concurrency}`] = await loadRun(payloads, concurrency);
  const round = (n, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
  const ceiling = Math.round(engine.insert.spansPerS);
  for (const run of Object.values(runs)) run.vs_engine_only = round(run.spans_per_s / ceiling, 3);
  console.log(
    JSON.stringify({
      bench: 'ingest',
      ...runs,
      unique_bytes_per_span_after_optimize: perSpan(unique.after.bytes, unique.rows),
      request_bytes_per_span: Math.round(payloads.reduce((n, p) => n + p.length, 0) / payloads.length / SPANS_PER_REQUEST),
      decode_only_spans_per_s: base.decodeOnly,
      protobufjs_decode_spans_per_s: base.protobufjs,
      engine_only_spans_per_s: ceiling,
      engine_native_read_cpu_us_per_span: round(engine.parse.cpuUsPerSpan),
      engine_native_insert_cpu_us_per_span: round(engine.insert.cpuUsPerSpan),
      // What each part of the insert costs (full schema minus the variant without it), and an INSERT's fixed cost.
      engine_insert_costs_us_per_span: engine.costs,
      engine_fixed_cpu_ms_per_insert: engine.fixedCpuMsPerInsert,
      engine_cpu_us_per_span_by_batch: Object.fromEntries(Object.entries(engine.batchSizes).map(([size, b]) => [size, b.cpuUsPerSpan])),
      // The merges that follow inserts of each batch size: rows rewritten and merge CPU per span.
      engine_merges_by_batch: engine.merges,
      engine_json_parse_cpu_us_per_span: round(engine.jsonParse.cpuUsPerSpan),
      engine_json_insert_cpu_us_per_span: round(engine.jsonInsert.cpuUsPerSpan),
      native_bytes_per_span: Math.round(engine.nativeBytesPerSpan),
      json_bytes_per_span: Math.round(engine.jsonBytesPerSpan),
      // Decode plus the engine's insert, before merges, HTTP and batching: a floor.
      cores_needed_for_target_at_least: round((100000 * (engine.insert.cpuUsPerSpan + 1e6 / base.decodeOnly)) / 1e6),
      targets: { spans_per_s: 100000, p99_ms_at_8_clients: 500, peak_rss_mib: 1024, unique_bytes_per_span: 45 },
    }),
  );
}

/** One load on a fresh server: its rates, latencies, memory and on-disk size. */
async function loadRun(payloads, concurrency) {
  const loadBefore = Math.round(os.loadavg()[0] * 100) / 100;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-bench-'));
  try {
    const server = await startServer(dataDir, SERVER_ARGS, NODE_ARGS);
    const pid = server.child.pid;
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, procStatus(pid, 'VmRSS'))), 200);
    log(`sending for ${SECONDS} s from ${concurrency} clients to :${server.ports.otlpHttp}`);
    const eventsBefore = await engineEvents(server.ports.ui);
    const threadsBefore = threadTicks(pid);
    const clientCpu = process.cpuUsage();
    const result = await load(server.ports.otlpHttp, payloads, concurrency);
    const clientUsed = process.cpuUsage(clientCpu);
    const cores = coresByThread(threadsBefore, threadTicks(pid), result.elapsed);
    clearInterval(sampler);
    const engine = engineActivity(eventsBefore, await engineEvents(server.ports.ui), result.elapsed, result.accepted);
    const parts = await activeParts(server.ports.ui);
    peakRss = Math.max(peakRss, procStatus(pid, 'VmHWM'));
    const metrics = await (await fetch(`http://127.0.0.1:${server.ports.ui}/metrics`)).text();
    const reported = Number(/^hindsight_spans_accepted_total\{transport="http"\} (\d+)/m.exec(metrics)?.[1] ?? NaN);

    server.child.kill('SIGTERM');
    const { code } = await server.exited;
    if (code !== 0) throw new Error(`server exited ${code} on SIGTERM`);
    const storage = storageFigures(dataDir);
    if (storage.rows !== result.accepted || reported !== result.accepted) {
      throw new Error(`accepted ${result.accepted} spans, /metrics says ${reported}, table holds ${storage.rows}`);
    }
    return {
      concurrency,
      seconds: Math.round(result.elapsed * 10) / 10,
      requests: result.requests,
      refused_requests: result.refused,
      accepted_spans: result.accepted,
      spans_per_s: Math.round(result.accepted / result.elapsed),
      p50_ms: result.p50,
      p99_ms: result.p99,
      peak_rss_mib: Math.round(peakRss / 1024 / 1024),
      bytes_per_span_on_disk: perSpan(storage.before.bytes, storage.rows),
      bytes_per_span_after_optimize: perSpan(storage.after.bytes, storage.rows),
      // Where the cores went during the load: the server's threads, and the bench's own clients beside them.
      server_cores: cores,
      client_cores: Math.round(((clientUsed.user + clientUsed.system) / 1e6 / result.elapsed) * 1000) / 1000,
      server_cpu_us_per_span: Math.round(((cores.total * result.elapsed) / result.accepted) * 1e6 * 10) / 10,
      engine,
      active_parts_at_end: parts,
      // The machine's 1-minute load before the run (others' work) and at its end (with this run's).
      load_before: loadBefore,
      load_after: Math.round(os.loadavg()[0] * 100) / 100,
    };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
