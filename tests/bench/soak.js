'use strict';
/**
 * Soak: `hindsight serve` (embedded chDB) under a steady load for SOAK_SECONDS
 * (default 600) at SOAK_LOAD (default 0.8) of its capacity, measured in the same run
 * by an unthrottled burst of SOAK_CAPACITY_SECONDS (default 20) against a first
 * server. Prints one JSON line: whether any request failed, whether every accepted
 * span is stored, and the server's RSS after warm-up (SOAK_WARMUP_SECONDS, default
 * 120), at the end, and its trend over the steady part (least squares, MiB/min).
 *
 * Not part of the default `npm run bench`: run it with `npm run bench:soak`.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { makeRequests, distinctRequests } = require('./payloads');
const { startServer } = require('./server');
const { percentile, postOnce, procStatus } = require('./client');

const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const LOAD = Number(process.env.SOAK_LOAD ?? 0.8);
const CAPACITY_SECONDS = Number(process.env.SOAK_CAPACITY_SECONDS ?? 20);
const WARMUP_SECONDS = Number(process.env.SOAK_WARMUP_SECONDS ?? Math.min(120, SECONDS / 5));
const CONCURRENCY = 32;
const SPANS_PER_REQUEST = 1000;
const MiB = 1024 * 1024;

const log = (...args) => process.stderr.write(`[soak] ${args.join(' ')}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends requests from CONCURRENCY clients until the deadline; with a rate, requests
 * start on a fixed schedule (an open-loop load: a slow server gets no respite).
 */
async function drive(port, nextBody, seconds, requestsPerSecond) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const latencies = [];
  let accepted = 0;
  let failed = 0;
  let scheduled = 0;
  async function client() {
    while (performance.now() < deadline) {
      if (requestsPerSecond !== undefined) {
        const due = started + (scheduled++ / requestsPerSecond) * 1000;
        if (due >= deadline) break;
        if (due > performance.now()) await sleep(due - performance.now());
      }
      const at = performance.now();
      const { status } = await postOnce(agent, port, nextBody()).catch(() => ({ status: 0 }));
      if (status === 200) {
        accepted += SPANS_PER_REQUEST;
        latencies.push(performance.now() - at);
      } else {
        failed++;
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p) => Math.round((percentile(latencies, p) ?? 0) * 10) / 10;
  return { accepted, failed, elapsed: (performance.now() - started) / 1000, p50: pct(0.5), p99: pct(0.99) };
}

async function withServer(fn) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-soak-'));
  const server = await startServer(dataDir, []);
  try {
    return await fn(server);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function storedRows(uiPort) {
  const response = await fetch(`http://127.0.0.1:${uiPort}/api/v1/sql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query: 'SELECT count() AS n FROM otel_traces', format: 'json' }),
  });
  const body = await response.json();
  return Number(body.data[0].n);
}

/** Least-squares slope of (seconds, bytes) samples, in MiB per minute. */
function slopeMibPerMinute(samples) {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((s, p) => s + p.t, 0) / n;
  const my = samples.reduce((s, p) => s + p.rss, 0) / n;
  const num = samples.reduce((s, p) => s + (p.t - mx) * (p.rss - my), 0);
  const den = samples.reduce((s, p) => s + (p.t - mx) ** 2, 0);
  return Math.round((((num / den) * 60) / MiB) * 100) / 100;
}

async function main() {
  log('making 50 requests of 1000 spans with the OpenTelemetry SDK');
  const payloads = makeRequests(50, SPANS_PER_REQUEST);

  log(`measuring capacity: ${CAPACITY_SECONDS} s unthrottled`);
  const capacity = await withServer(async (server) => {
    const burst = await drive(server.ports.otlpHttp, distinctRequests(payloads), CAPACITY_SECONDS, undefined);
    return Math.round(burst.accepted / burst.elapsed);
  });
  const targetSpans = Math.round(capacity * LOAD);
  log(`capacity ${capacity} spans/s; soaking at ${targetSpans} spans/s for ${SECONDS} s`);

  await withServer(async (server) => {
    const pid = server.child.pid;
    const samples = [];
    const t0 = performance.now();
    const sampler = setInterval(() => samples.push({ t: (performance.now() - t0) / 1000, rss: procStatus(pid, 'VmRSS') }), 1000);
    const result = await drive(server.ports.otlpHttp, distinctRequests(payloads), SECONDS, targetSpans / SPANS_PER_REQUEST);
    clearInterval(sampler);
    const stored = await storedRows(server.ports.ui);
    const steady = samples.filter((s) => s.t >= WARMUP_SECONDS);
    const afterWarmup = steady[0]?.rss ?? 0;
    const end = samples[samples.length - 1]?.rss ?? 0;
    const maxSteady = steady.reduce((m, s) => Math.max(m, s.rss), 0);
    console.log(
      JSON.stringify({
        bench: 'soak',
        seconds: Math.round(result.elapsed),
        capacity_spans_per_s: capacity,
        target_spans_per_s: targetSpans,
        achieved_spans_per_s: Math.round(result.accepted / result.elapsed),
        failed_requests: result.failed,
        accepted_spans: result.accepted,
        stored_rows: stored,
        every_accepted_span_stored: stored === result.accepted,
        p50_ms: result.p50,
        p99_ms: result.p99,
        rss_mib_after_warmup: Math.round(afterWarmup / MiB),
        rss_mib_max_after_warmup: Math.round(maxSteady / MiB),
        rss_mib_end: Math.round(end / MiB),
        rss_trend_mib_per_min_after_warmup: slopeMibPerMinute(steady),
        warmup_seconds: WARMUP_SECONDS,
      }),
    );
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
