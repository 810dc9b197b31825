'use strict';
/**
 * Analytics at scale: 10M spans (30 services, 300 operations, 7 days) generated
 * inside embedded chDB, the dependency edges built by the real edge job, then the
 * APIs timed against `hindsight serve` on that data directory:
 * 24 h RED of one service, 24 h anomalies, trace by id at that size, "why are these
 * slow?" over 24 h: one service (a tenth of the spans), one operation, and every trace
 * (its default threshold, the 95th percentile). In-run baseline: a plain `SELECT count()`
 * over the last 24 h.
 *
 * Last, the dependency maps, 1 h and 24 h, native (/api/v1/dependencies, also over the whole
 * week) and Jaeger's (/api/dependencies), three ways:
 * - ending now, nothing stored past the edge job's watermark (the top-level figures);
 * - ending now, with a live part: fresh traces sent over OTLP (live-spans.js) after the
 *   watermark. The server runs no edge job, so those spans stay in the live part, read from
 *   otel_traces on every request (`live`);
 * - ending in the second before the watermark, so with no live part at all: the live
 *   figures' in-run baseline (`live.no_live_part`), its requests taking turns with theirs.
 * The fresh spans' calls must be in the four answers ending now, and in none before they
 * were sent or ending before the watermark, or the run fails. The maps are timed
 * 2 × BENCH_ANALYTICS_RUNS times each.
 * Env: BENCH_ANALYTICS_SPANS (default 10,000,000), BENCH_ANALYTICS_LIVE_SPANS (default
 * 10,000: the generated week's rate at 10M spans over the ten minutes the live part
 * reaches back at most), BENCH_ANALYTICS_RUNS (default 10).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServer } = require('./server');
const { generateSpans } = require('./generate-spans');
const { percentile } = require('./client');
const { LIVE_SERVICE, sendLiveSpans } = require('./live-spans');

const SPANS = Number(process.env.BENCH_ANALYTICS_SPANS ?? 10_000_000);
const LIVE_SPANS = Number(process.env.BENCH_ANALYTICS_LIVE_SPANS ?? 10_000);
const RUNS = Number(process.env.BENCH_ANALYTICS_RUNS ?? 10);
/** How far before now the fresh spans may start: inside the ten minutes the live part reads at most (viewer/query/dependencies.ts). */
const LIVE_SPREAD_MS = 9 * 60_000;
const MERGE_SETTLE_MS = 30_000;
/** The dependency maps are cheap and compared with each other: twice the runs, for steadier percentiles. */
const DEPENDENCY_RUNS = 2 * RUNS;
const log = (...args) => process.stderr.write(`[bench:analytics] ${args.join(' ')}\n`);

/** One request's time in ms; `url` is a function for a URL that changes per request. */
async function once(url) {
  const target = typeof url === 'function' ? url() : url;
  const started = performance.now();
  const response = await fetch(target);
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${target}: ${response.status}`);
  return performance.now() - started;
}

/**
 * p50 / p99 of `runs` requests of each URL, the URLs taking turns, so that a busy moment of
 * the machine (shared with other work) falls on each of them alike.
 */
async function timedTogether(urls, runs) {
  const times = urls.map(() => []);
  for (let i = 0; i < runs; i++) for (const [j, url] of urls.entries()) times[j].push(await once(url));
  return times.map((t) => {
    t.sort((x, y) => x - y);
    return { p50_ms: Math.round(percentile(t, 0.5)), p99_ms: Math.round(percentile(t, 0.99)) };
  });
}

const timed = async (url, runs) => (await timedTogether([url], runs))[0];

/** The dependency answers, native (1 h, 24 h and the whole week) and Jaeger's (1 h and 24 h), each ending at `endMs` (Unix ms), or now. */
function dependencyUrls(api, endMs) {
  const end = () => endMs ?? Date.now();
  const native = (lookback) => (endMs === undefined ? `${api}/api/v1/dependencies?lookback=${lookback}` : `${api}/api/v1/dependencies?end=${endMs}&lookback=${lookback}`);
  const jaeger = (lookbackMs) => () => `${api}/api/dependencies?endTs=${end()}&lookback=${lookbackMs}`;
  return { dependencies_1h: native('1h'), dependencies_24h: native('24h'), dependencies_7d: native('168h'), jaeger_dependencies_1h: jaeger(3_600_000), jaeger_dependencies_24h: jaeger(86_400_000) };
}

/** Per dependency answer, the calls from LIVE_SERVICE it holds: its edges' calls, or Jaeger's links' callCount. */
async function liveServiceCalls(api, endMs) {
  const calls = {};
  for (const [name, url] of Object.entries(dependencyUrls(api, endMs))) {
    const response = await fetch(typeof url === 'function' ? url() : url);
    if (!response.ok) throw new Error(`${name}: ${response.status}`);
    const body = await response.json();
    const links = name.startsWith('jaeger') ? body.data.map((l) => ({ parent: l.parent, calls: l.callCount })) : body.edges;
    calls[name] = links.filter((l) => l.parent === LIVE_SERVICE).reduce((sum, l) => sum + l.calls, 0);
  }
  return calls;
}

/** Waits up to MERGE_SETTLE_MS for the store's merges to end; returns how many are left. */
async function settleMerges(sql) {
  const deadline = Date.now() + MERGE_SETTLE_MS;
  for (;;) {
    const [{ n }] = await sql('SELECT count() AS n FROM system.merges');
    if (Number(n) === 0 || Date.now() >= deadline) return Number(n);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function expectCalls(calls, expected, when) {
  const wrong = Object.entries(calls).filter(([, n]) => n !== expected);
  if (wrong.length > 0) throw new Error(`${when}: expected ${expected} calls from ${LIVE_SERVICE} in every dependency answer, got ${JSON.stringify(calls)}`);
}

/**
 * The maps ending now with no spans past the watermark; then fresh spans sent after it, and
 * the maps ending now, while those spans are only in the live part (no edge job runs, checked
 * after), taking turns with the same maps ending just before the watermark: no live part at all.
 */
async function dependencyFigures(api, otlpPort, sql) {
  const watermarkS = async () => Number((await sql("SELECT toUnixTimestamp(max(Watermark)) AS w FROM hindsight_jobs WHERE Name = 'service_edges'"))[0].w);
  const watermark = await watermarkS();
  // A range ending in the second before the watermark has an empty live part (viewer/query/dependencies.ts).
  const beforeWatermarkMs = (watermark - 1) * 1000;
  const nowUrls = dependencyUrls(api);
  const noLiveUrls = dependencyUrls(api, beforeWatermarkMs);
  const names = Object.keys(nowUrls);
  expectCalls(await liveServiceCalls(api), 0, 'before the live spans were sent');
  const nothingPast = {};
  for (const name of names) nothingPast[name] = await timed(nowUrls[name], DEPENDENCY_RUNS);

  const toMs = Date.now() - 1000;
  const fromMs = Math.max(watermark * 1000, toMs - LIVE_SPREAD_MS);
  const sendStarted = performance.now();
  const sent = await sendLiveSpans({ port: otlpPort, spans: LIVE_SPANS, fromMs, toMs });
  const sendMs = Math.round(performance.now() - sendStarted);
  log(`${sent.spans} live spans over the ${Math.round((toMs - fromMs) / 1000)} s after the edge watermark sent in ${sendMs} ms`);
  expectCalls(await liveServiceCalls(api), sent.liveServiceCalls, 'with the live spans');
  expectCalls(await liveServiceCalls(api, beforeWatermarkMs), 0, 'ending before the watermark');
  // The live spans' parts are merging: timed meanwhile, the first live figures would pay for the merges.
  const merging = await settleMerges(sql);
  if (merging > 0) log(`${merging} merges still running after ${MERGE_SETTLE_MS} ms; timing anyway`);
  const live = {};
  const noLive = {};
  for (const name of names) [live[name], noLive[name]] = await timedTogether([nowUrls[name], noLiveUrls[name]], DEPENDENCY_RUNS);
  const [{ n: stored }] = await sql(`SELECT count() AS n FROM hindsight_service_edges_1m WHERE Parent = '${LIVE_SERVICE}'`);
  if (Number(stored) !== 0 || (await watermarkS()) !== watermark) throw new Error('the live spans reached the edge table while the live part was timed');
  return {
    ...nothingPast,
    live: { spans: sent.spans, send_ms: sendMs, seconds_past_watermark: Math.round(Date.now() / 1000 - watermark), calls_found: sent.liveServiceCalls, ...live, no_live_part: noLive },
  };
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-bench-analytics-'));
  try {
    log(`generating ${SPANS} spans over 7 days and building dependency edges`);
    // Traces of 10 spans across services (generate-spans.js, shape `week`), then the real edge job.
    const built = await generateSpans({ dataDir, spans: SPANS, shape: 'week', edges: true });
    log(`generated in ${built.generateMs} ms, edges in ${built.edgeJobMs} ms; starting the server`);
    // No edge job: spans sent from now on stay past its watermark, in the live part of the maps.
    const server = await startServer(dataDir, ['--dependency-interval-ms', '0']);
    const api = `http://127.0.0.1:${server.ports.ui}`;
    try {
      const sql = async (query) => {
        const r = await fetch(`${api}/api/v1/sql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query }) });
        if (!r.ok) throw new Error(`${query}: ${r.status} ${await r.text()}`);
        return (await r.json()).data;
      };
      const [{ id }] = await sql('SELECT any(TraceId) AS id FROM otel_traces WHERE Timestamp > now() - INTERVAL 1 HOUR');
      const baseline = await (async () => {
        const times = [];
        for (let i = 0; i < RUNS; i++) {
          const started = performance.now();
          await sql('SELECT count() FROM otel_traces WHERE Timestamp > now() - INTERVAL 24 HOUR');
          times.push(performance.now() - started);
        }
        times.sort((a, b) => a - b);
        return Math.round(times[Math.floor(times.length / 2)]);
      })();
      const figures = {
        red_24h: await timed(`${api}/api/v1/services/service-3/metrics?lookback=24h`, RUNS),
        anomalies_24h: await timed(`${api}/api/v1/anomalies?lookback=24h`, Math.max(3, Math.floor(RUNS / 2))),
        trace_by_id: await timed(`${api}/api/v1/traces/${id}`, RUNS),
        explain_service_24h: await timed(`${api}/api/v1/explain?service=service-3&lookback=24h`, RUNS),
        explain_operation_24h: await timed(`${api}/api/v1/explain?service=service-3&operation=op-3&lookback=24h`, RUNS),
        explain_all_24h: await timed(`${api}/api/v1/explain?lookback=24h`, Math.max(3, Math.floor(RUNS / 2))),
        ...(await dependencyFigures(api, server.ports.otlpHttp, sql)),
      };
      console.log(
        JSON.stringify({
          bench: 'analytics',
          spans: SPANS,
          generate_ms: built.generateMs,
          edge_job_ms: built.edgeJobMs,
          baseline_count_24h_p50_ms: baseline,
          ...figures,
          targets_ms: { each: 1000, trace_by_id: 50 },
        }),
      );
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
