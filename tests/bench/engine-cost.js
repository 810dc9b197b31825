'use strict';
/**
 * What the embedded engine itself costs per span, measured in a process of its
 * own (libchdb binds one data directory per process): the same rows the collector
 * inserts (Hindsight's decoder output, JSONCompactEachRow) raw-inserted into
 *   - a Null table with otel_traces's columns: the engine's text parse alone;
 *   - otel_traces itself: parse, sort, compress, skip indexes, write.
 * CPU time is the process's, so it counts chDB's own threads. chDB's raw insert
 * takes text formats only (JSON, CSV, TSV families; TSV parsed no faster here), so
 * this parse cost is the floor of the embedded write path.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const REQUESTS = Number(process.env.BENCH_ENGINE_REQUESTS ?? 30);

async function main() {
  const { makeRequests, distinctRequests } = require('./payloads');
  const { normalizeBody } = require(path.join(ROOT, 'dist/collector/otlp/decode'));
  const { SPAN_COLUMNS } = require(path.join(ROOT, 'dist/storage/columns'));
  const { MIGRATIONS } = require(path.join(ROOT, 'dist/storage/schema'));
  const { SqlRegistry } = require(path.join(ROOT, 'dist/storage/sql/registry'));
  const { createChdbConnection } = require('chdb/connection');

  const next = distinctRequests(makeRequests(REQUESTS));
  const batches = [];
  let spans = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const { rows } = normalizeBody(next(), 'protobuf');
    batches.push(rows.data);
    spans += rows.spans;
  }
  const values = Buffer.concat(batches);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-bench-engine-'));
  try {
    const connection = createChdbConnection({ path: dir });
    const run = (sql) => connection.chdb.queryAsync(sql);
    await run('CREATE DATABASE bench');
    for (const statement of MIGRATIONS[0].statements({ sql: SqlRegistry.load('bench'), retentionDays: 7 })) await run(statement);
    await run('CREATE TABLE bench.parse_only AS bench.otel_traces ENGINE = Null');
    const measure = async (table) => {
      const wall = performance.now();
      const cpu = process.cpuUsage();
      await connection.chdb.rawInsert({ table, columns: [...SPAN_COLUMNS], values, format: 'JSONCompactEachRow', settings: { async_insert: 0 } });
      const used = process.cpuUsage(cpu);
      return { cpuUsPerSpan: (used.user + used.system) / spans, spansPerS: spans / ((performance.now() - wall) / 1000) };
    };
    await measure('bench.parse_only'); // warm up
    const parse = await measure('bench.parse_only');
    const insert = await measure('bench.otel_traces');
    process.stdout.write(JSON.stringify({ spans, rowBytesPerSpan: values.length / spans, parse, insert }));
    await connection.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
