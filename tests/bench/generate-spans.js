'use strict';
/**
 * Writes SPANS generated spans into a fresh data directory (argv: dir, spans) and
 * builds their dependency edges with the real edge job; prints timings as JSON.
 * A separate process, because libchdb binds one data directory per process.
 */
const [, , DATA_DIR, SPAN_COUNT] = process.argv;
const { createClient } = require('@clickhouse/client');
const { createChdbConnection } = require('chdb/connection');
const { applySchema } = require('../../dist/storage/schema');
const { SqlRegistry } = require('../../dist/storage/sql/registry');
const { EdgeJob } = require('../../dist/collector/jobs/edges');
const pino = require('pino');
(async () => {
  const client = createClient({ connection: createChdbConnection({ path: DATA_DIR }) });
  const sql = SqlRegistry.load('otel');
  await applySchema(client, { sql, retentionDays: 30 });
  const spans = Number(SPAN_COUNT);
  const started = Date.now();
  const now = Math.floor(Date.now() / 1000) - 120;
  for (let offset = 0; offset < spans; offset += 1000000) {
    await client.command({
      query: `
      INSERT INTO otel.otel_traces (Timestamp, TraceId, SpanId, ParentSpanId, SpanName, SpanKind, ServiceName, ResourceAttributes, ScopeName, SpanAttributes, Duration, StatusCode)
      SELECT
        fromUnixTimestamp64Nano(toInt64((${now} - intDiv(n, 10) % (7 * 86400)) * 1000000000 + (n % 10) * 1000000)) AS Timestamp,
        lower(hex(reinterpretAsFixedString(sipHash128(intDiv(n, 10))))) AS TraceId,
        lower(hex(reinterpretAsFixedString(sipHash64(n)))) AS SpanId,
        if(n % 10 = 0, '', lower(hex(reinterpretAsFixedString(sipHash64(n - n % 10 + intDiv(n % 10 - 1, 3)))))) AS ParentSpanId,
        concat('op-', toString((intDiv(n, 10) * 7 + n % 10) % 300)) AS SpanName,
        if(n % 10 = 0, 'Server', if(n % 3 = 0, 'Client', 'Server')) AS SpanKind,
        concat('service-', toString(((intDiv(n, 10) * 7 + n % 10) % 300) % 30)) AS ServiceName,
        map('service.name', ServiceName, 'host.name', concat('host-', toString(n % 17))) AS ResourceAttributes,
        'bench' AS ScopeName,
        map('http.route', concat('/r/', toString(n % 40)), 'user.id', toString(n % 5000)) AS SpanAttributes,
        toUInt64(exp(15 + ((intDiv(n, 10) * 7 + n % 10) % 300) % 5 * 0.4 + randNormal(0, 0.3))) AS Duration,
        if(rand() % 100 = 0, 'Error', 'Unset') AS StatusCode
      FROM (SELECT number + ${offset} AS n FROM numbers(${Math.min(1000000, spans - offset)}))`,
    });
  }
  const generated = Date.now() - started;
  const job = new EdgeJob(client, sql, { lagSeconds: 60, intervalMs: 60000 }, pino({ level: 'silent' }));
  const jobStarted = Date.now();
  await job.runOnce(Math.floor(Date.now() / 1000));
  process.stdout.write(JSON.stringify({ generateMs: generated, edgeJobMs: Date.now() - jobStarted }));
  await client.close();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
