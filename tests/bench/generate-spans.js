'use strict';
/**
 * Spans generated inside the engine, for the benchmarks that need a large table: the
 * SDK would take hours for 100M spans, so the rows come from one INSERT … SELECT over
 * numbers() per million spans, into `otel_traces` of a data directory whose schema
 * `hindsight serve` already created (`generateSpans()` runs a server on it once first). Inserting into otel_traces, rather than into each table,
 * feeds every materialized view as production ingest does.
 *
 * As a process (libchdb binds one data directory per process):
 *   node generate-spans.js <dataDir> <spans> <shape> [--edges]
 * prints one JSON line: generation time, sample trace ids spread over the window, the
 * needle value, and with --edges the time the real edge job took to build the edges.
 *
 * Shape of a trace: `spansPerTrace` spans in a tree of fan-out 3 (span i's parent is
 * span (i - 1) / 3), each span an operation of its own picked from `operations`,
 * each operation owned by one of `services`, so parent links cross services. Traces
 * start evenly over the last `windowSeconds` in insert order, as live ingest would
 * write them; durations are lognormal per operation.
 */
const SHAPES = {
  /** The analytics benchmark's week: 10-span traces, 30 services, 300 operations. */
  week: { spansPerTrace: 10, services: 30, operations: 300, windowSeconds: 7 * 86400, attributes: 'plain' },
  /**
   * The scale benchmark's day: 12-span traces, 40 services, 400 operations; span and resource
   * attributes as an HTTP service sets them, about 1% errors, and one trace in about a million
   * carrying user.id = NEEDLE.
   */
  day: { spansPerTrace: 12, services: 40, operations: 400, windowSeconds: 86400, attributes: 'rich' },
};

/** The rare attribute value of the `day` shape: user.id on one span of one trace in NEEDLE_EVERY. */
const NEEDLE = { key: 'user.id', value: 'needle-7f3a' };
const NEEDLE_EVERY = 1_000_003;
const NEEDLE_PHASE = 123_457;

const CHUNK = 1_000_000;

/** The trace id of trace number `t` (an SQL expression over t), as the generator writes it. */
const traceIdOf = (t) => `lower(hex(reinterpretAsFixedString(sipHash128(${t}))))`;
const spanIdOf = (n) => `lower(hex(reinterpretAsFixedString(sipHash64(${n}))))`;

const ATTRIBUTES = {
  plain: {
    resource: `map('service.name', ServiceName, 'host.name', concat('host-', toString(n % 17)))`,
    span: `map('http.route', concat('/r/', toString(n % 40)), 'user.id', toString(n % 5000))`,
  },
  rich: {
    resource: `map('service.name', ServiceName, 'service.version', concat('1.', toString(op % 5), '.0'), 'host.name', concat(ServiceName, '-', toString(t % 4)), 'deployment.environment', 'production')`,
    span: `map('http.method', if(op % 4 = 0, 'POST', 'GET'), 'http.route', concat('/api/v', toString(op % 3), '/', SpanName), 'http.status_code', if(StatusCode = 'Error', '500', '200'),
               'user.id', if(i = 5 AND t % ${NEEDLE_EVERY} = ${NEEDLE_PHASE}, '${NEEDLE.value}', toString(t % 10000)))`,
  },
};

/** One chunk of spans [offset, offset + count) of a table of `total` spans. */
function insertStatement(database, shape, { offset, count, total, nowS }) {
  const { spansPerTrace: S, services, operations, windowSeconds } = SHAPES[shape] ?? unknownShape(shape);
  const traces = Math.ceil(total / S);
  // Nanoseconds between trace starts; an integer, so positions stay exact at any size.
  const step = (BigInt(windowSeconds) * 1_000_000_000n) / BigInt(traces);
  const first = BigInt(nowS - windowSeconds) * 1_000_000_000n;
  const attrs = ATTRIBUTES[SHAPES[shape].attributes];
  return `
    INSERT INTO ${database}.otel_traces (Timestamp, TraceId, SpanId, ParentSpanId, SpanName, SpanKind, ServiceName, ResourceAttributes, ScopeName, SpanAttributes, Duration, StatusCode)
    SELECT Timestamp, TraceId, SpanId, ParentSpanId, SpanName, SpanKind, ServiceName, ${attrs.resource}, 'bench', ${attrs.span}, Duration, StatusCode
    FROM (
      SELECT n, t, i, op,
        fromUnixTimestamp64Nano(toInt64(${first} + t * ${step} + i * 2000000)) AS Timestamp,
        ${traceIdOf('t')} AS TraceId,
        ${spanIdOf('n')} AS SpanId,
        if(i = 0, '', ${spanIdOf(`t * ${S} + intDiv(i - 1, 3)`)}) AS ParentSpanId,
        concat('op-', toString(op)) AS SpanName,
        if(i = 0, 'Server', if(i % 3 = 1, 'Client', 'Server')) AS SpanKind,
        concat('service-', toString(op % ${services})) AS ServiceName,
        toUInt64(exp(14 + (op % 7) * 0.4 + randNormal(0, 0.3))) AS Duration,
        if(sipHash64(n, 1) % 100 = 0 OR (op % 50 = 7 AND sipHash64(n, 2) % 10 = 0), 'Error', 'Unset') AS StatusCode
      FROM (
        SELECT number + ${offset} AS n, intDiv(n, ${S}) AS t, n % ${S} AS i, (t * 7 + i * 37) % ${operations} AS op
        FROM numbers(${count})
      )
    )`;
}

function unknownShape(shape) {
  throw new Error(`unknown span shape ${shape}: one of ${Object.keys(SHAPES).join(', ')}`);
}

/** `count` trace ids spread evenly over the window (trace numbers picked across all traces). */
function sampleTraceIdsStatement(shape, total, count) {
  const traces = Math.ceil(total / SHAPES[shape].spansPerTrace);
  return `SELECT ${traceIdOf('t')} AS id FROM (SELECT toUInt64(intDiv(number * ${traces}, ${count}) + sipHash64(number) % ${Math.max(1, Math.floor(traces / count))}) AS t FROM numbers(${count}))`;
}

async function generate(client, database, shape, total, nowS) {
  for (let offset = 0; offset < total; offset += CHUNK) {
    // Both cores for the insert side too (sorting, compression, skip indexes, the views).
    await client.command({ query: insertStatement(database, shape, { offset, count: Math.min(CHUNK, total - offset), total, nowS }), clickhouse_settings: { max_insert_threads: 2 } });
  }
}

async function main() {
  const [, , dataDir, spanCount, shape = 'week', ...flags] = process.argv;
  const { createClient } = require('@clickhouse/client');
  const { createChdbConnection } = require('chdb/connection');
  const client = createClient({ connection: createChdbConnection({ path: dataDir }) });
  const database = 'otel';
  const total = Number(spanCount);
  const nowS = Math.floor(Date.now() / 1000) - 120;
  const started = Date.now();
  await generate(client, database, shape, total, nowS);
  const out = { generateMs: Date.now() - started, nowS, needle: NEEDLE };
  out.traceIds = (await (await client.query({ query: sampleTraceIdsStatement(shape, total, 1000), format: 'JSONEachRow' })).json()).map((r) => r.id);
  if (flags.includes('--edges')) {
    const pino = require('pino');
    const { SqlRegistry } = require('../../dist/storage/sql/registry');
    const { EdgeJob } = require('../../dist/collector/jobs/edges');
    const job = new EdgeJob(client, SqlRegistry.load(database), { lagSeconds: 60, intervalMs: 60000, settleSeconds: 30 }, pino({ level: 'silent' }));
    const jobStarted = Date.now();
    await job.runOnce(Math.floor(Date.now() / 1000));
    out.edgeJobMs = Date.now() - jobStarted;
  }
  process.stdout.write(JSON.stringify(out));
  await client.close();
}

/**
 * A fresh data directory's schema made by `hindsight serve` itself (every migration, every
 * view), then `spans` spans of `shape` generated into it by a process of their own.
 */
async function generateSpans({ dataDir, spans, shape, edges = false }) {
  const { startServer, ROOT } = require('./server');
  const server = await startServer(dataDir, ['--dependency-interval-ms', '0']);
  server.child.kill('SIGTERM');
  const { code } = await server.exited;
  if (code !== 0) throw new Error(`hindsight serve exited ${code} after creating the schema: ${server.logs.join('\n')}`);
  const { execFile } = require('node:child_process');
  const args = [__filename, dataDir, String(spans), shape, ...(edges ? ['--edges'] : [])];
  const stdout = await new Promise((resolve, reject) =>
    execFile(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out))),
  );
  return JSON.parse(stdout);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

module.exports = { SHAPES, NEEDLE, generateSpans };
