'use strict';
/**
 * Trace-by-id API latency (p50, p99) for traces of 100, 10,000 and 50,000 spans,
 * stored through the OTLP receiver of `hindsight serve` (embedded chDB). In-run
 * baseline: how long this machine takes to JSON.parse the same response bodies,
 * so the figures can be read on a slower or busier machine.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const { startServer } = require('./server');
const { bigTrace, storeRequests } = require('./big-trace');
const { percentile } = require('./client');

const SIZES = [100, 10_000, 50_000];
const RUNS = Number(process.env.BENCH_TRACE_RUNS ?? 20);
const log = (...args) => process.stderr.write(`[bench:trace] ${args.join(' ')}\n`);

function request(port, method, urlPath, body) {
  return new Promise((resolve, reject) => {
    const headers = body ? { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length } : {};
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const pct = (sorted, p) => Math.round(percentile(sorted, p) * 10) / 10;

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-bench-trace-'));
  const server = await startServer(dataDir, []);
  try {
    const figures = {};
    for (const size of SIZES) {
      log(`storing a ${size}-span trace`);
      const { traceId, requests } = bigTrace(size);
      await storeRequests(server.ports.otlpHttp, requests);
      const times = [];
      const parseTimes = [];
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        const { status, body } = await request(server.ports.ui, 'GET', `/api/v1/traces/${traceId}`);
        times.push(performance.now() - started);
        if (status !== 200) throw new Error(`trace by id: ${status}`);
        const parsedAt = performance.now();
        const spans = JSON.parse(body.toString('utf8')).spans.length;
        parseTimes.push(performance.now() - parsedAt);
        if (spans !== size) throw new Error(`trace by id returned ${spans} of ${size} spans`);
      }
      times.sort((a, b) => a - b);
      parseTimes.sort((a, b) => a - b);
      figures[size] = { p50_ms: pct(times, 0.5), p99_ms: pct(times, 0.99), baseline_json_parse_p50_ms: pct(parseTimes, 0.5) };
    }
    console.log(JSON.stringify({ bench: 'trace_by_id', runs: RUNS, spans: figures }));
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
