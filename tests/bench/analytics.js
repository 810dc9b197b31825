'use strict';
/**
 * Analytics at scale: 10M spans (30 services, 300 operations, 7 days) generated
 * inside embedded chDB, the dependency edges built by the real edge job, then the
 * APIs timed against `hindsight serve` on that data directory:
 * 1 h and 24 h dependency maps, 24 h RED of one service, 24 h anomalies, trace
 * by id at that size, and "why are these slow?" over 24 h: one service (a tenth of the
 * spans), one operation, and every trace (its default threshold, the 95th percentile). In-run baseline: a plain `SELECT count()` over the last 24 h.
 * Env: BENCH_ANALYTICS_SPANS (default 10,000,000), BENCH_ANALYTICS_RUNS (default 10).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServer } = require('./server');
const { generateSpans } = require('./generate-spans');
const { percentile } = require('./client');

const SPANS = Number(process.env.BENCH_ANALYTICS_SPANS ?? 10_000_000);
const RUNS = Number(process.env.BENCH_ANALYTICS_RUNS ?? 10);
const log = (...args) => process.stderr.write(`[bench:analytics] ${args.join(' ')}\n`);

async function timed(url, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const pct = (p) => Math.round(percentile(times, p));
  return { p50_ms: pct(0.5), p99_ms: pct(0.99) };
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-bench-analytics-'));
  try {
    log(`generating ${SPANS} spans over 7 days and building dependency edges`);
    // Traces of 10 spans across services (generate-spans.js, shape `week`), then the real edge job.
    const built = await generateSpans({ dataDir, spans: SPANS, shape: 'week', edges: true });
    log(`generated in ${built.generateMs} ms, edges in ${built.edgeJobMs} ms; starting the server`);
    const server = await startServer(dataDir, ['--dependency-interval-ms', '0']);
    const api = `http://127.0.0.1:${server.ports.ui}`;
    try {
      const sql = async (query) => {
        const r = await fetch(`${api}/api/v1/sql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query }) });
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
        dependencies_1h: await timed(`${api}/api/v1/dependencies?lookback=1h`, RUNS),
        dependencies_24h: await timed(`${api}/api/v1/dependencies?lookback=24h`, RUNS),
        red_24h: await timed(`${api}/api/v1/services/service-3/metrics?lookback=24h`, RUNS),
        anomalies_24h: await timed(`${api}/api/v1/anomalies?lookback=24h`, Math.max(3, Math.floor(RUNS / 2))),
        trace_by_id: await timed(`${api}/api/v1/traces/${id}`, RUNS),
        explain_service_24h: await timed(`${api}/api/v1/explain?service=service-3&lookback=24h`, RUNS),
        explain_operation_24h: await timed(`${api}/api/v1/explain?service=service-3&operation=op-3&lookback=24h`, RUNS),
        explain_all_24h: await timed(`${api}/api/v1/explain?lookback=24h`, Math.max(3, Math.floor(RUNS / 2))),
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
