'use strict';
/**
 * What the embedded engine itself costs per span, measured in a process of its
 * own (libchdb binds one data directory per process): the same blocks the
 * collector inserts (Hindsight's decoder output, Native), inserted as the store
 * inserts them (INSERT … SELECT FROM file() over a scratch file) into
 *   - a Null table with otel_traces's columns: reading the blocks alone;
 *   - otel_traces itself: read, sort, compress, skip indexes, the trace-id view, write.
 * The same spans as JSONCompactEachRow rows (the decoders' reference path) through
 * chDB's raw insert, the path before Native, are measured beside them.
 * CPU time is the process's, so it counts chDB's own threads. The insert into
 * otel_traces with nothing else running is the ceiling of the embedded write path.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const REQUESTS = Number(process.env.BENCH_ENGINE_REQUESTS ?? 30);

async function main() {
  const { makeRequests, distinctRequests } = require('./payloads');
  const { normalizeBody } = require(path.join(ROOT, 'dist/collector/otlp/decode'));
  const { decodeRequest, normalizeRequestToJsonRows } = require(path.join(ROOT, 'dist/collector/otlp/normalize'));
  const jsonRowsOf = (body) => {
    const { tree, leaves } = decodeRequest(body, 'protobuf');
    return Buffer.from(normalizeRequestToJsonRows(tree, leaves).rows.text);
  };
  const { SPAN_COLUMNS } = require(path.join(ROOT, 'dist/storage/columns'));
  const { MIGRATIONS } = require(path.join(ROOT, 'dist/storage/schema'));
  const { SqlRegistry } = require(path.join(ROOT, 'dist/storage/sql/registry'));
  const { createChdbConnection } = require('chdb/connection');

  const next = distinctRequests(makeRequests(REQUESTS));
  const blocks = [];
  const jsonRows = [];
  let spans = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const body = next();
    const { rows } = normalizeBody(body, 'protobuf');
    blocks.push(rows.data);
    jsonRows.push(jsonRowsOf(body));
    spans += rows.spans;
  }
  const native = Buffer.concat(blocks);
  const json = Buffer.concat(jsonRows);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-bench-engine-'));
  try {
    const connection = createChdbConnection({ path: dir });
    const run = (sql) => connection.chdb.queryAsync(sql);
    await run('CREATE DATABASE bench');
    for (const statement of MIGRATIONS[0].statements({ sql: SqlRegistry.load('bench'), retentionDays: 7 })) await run(statement);
    await run('CREATE TABLE bench.parse_only AS bench.otel_traces ENGINE = Null');
    const file = path.join(dir, 'batch.native');
    const columns = SPAN_COLUMNS.map((c) => `\`${c}\``).join(', ');
    const insertNative = async (table) => {
      fs.writeFileSync(file, native);
      await run(`INSERT INTO ${table} (${columns}) SELECT * FROM file('${file}', Native)`);
    };
    const insertJson = (table) => connection.chdb.rawInsert({ table, columns: [...SPAN_COLUMNS], values: json, format: 'JSONCompactEachRow', settings: { async_insert: 0 } });
    const measure = async (insert, table) => {
      const wall = performance.now();
      const cpu = process.cpuUsage();
      await insert(table);
      const used = process.cpuUsage(cpu);
      return { cpuUsPerSpan: (used.user + used.system) / spans, spansPerS: spans / ((performance.now() - wall) / 1000) };
    };
    await measure(insertNative, 'bench.parse_only'); // warm up
    const parse = await measure(insertNative, 'bench.parse_only');
    const insert = await measure(insertNative, 'bench.otel_traces');
    const jsonParse = await measure(insertJson, 'bench.parse_only');
    const jsonInsert = await measure(insertJson, 'bench.otel_traces');
    process.stdout.write(JSON.stringify({ spans, nativeBytesPerSpan: native.length / spans, jsonBytesPerSpan: json.length / spans, parse, insert, jsonParse, jsonInsert }));
    await connection.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
