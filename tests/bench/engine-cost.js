'use strict';
/**
 * What the embedded engine itself costs per span, measured in a process of its
 * own (libchdb binds one data directory per process): the same blocks the
 * collector inserts (Hindsight's decoder output, Native), inserted as the store
 * inserts them (INSERT … SELECT FROM file() over a scratch file, the store's own
 * statement) into tables made by Hindsight's own schema code (storage/schema.ts,
 * every migration), so a view or index added there is measured here with no change:
 *   - parse: a Null table with otel_traces's columns, reading the blocks alone;
 *   - full: otel_traces with every materialized view that reads it and every skip
 *     index: the engine-only ceiling of the embedded write path;
 *   - one variant per view and per skip index, that one dropped: its cost per span
 *     is full minus that variant; `no_views`, `no_indexes` and `bare` (neither)
 *     drop them all.
 * Then, on the full schema: the cost by batch size (spans per INSERT, so parts
 * per span) and by max_insert_threads; and the merges that follow, as they happen:
 * spans fed at a steady rate in batches of a given size into a fresh schema, with
 * merges running until none is left, the merge threads' CPU and the rows they
 * rewrote per span (each merge level rewrites a row again).
 *
 * Each variant gets a database of its own; inserts run with merges stopped, so a
 * variant's figure is its insert alone, and rounds interleave the variants so that
 * the machine's noise spreads over all of them; each figure is the median of its
 * rounds. CPU time is the process's, so it counts chDB's own threads.
 *
 * The same spans as JSONCompactEachRow rows (the decoders' reference path) through
 * chDB's raw insert, the path before Native, are measured beside them.
 *
 * Env: BENCH_ENGINE_REQUESTS (1000-span requests, default 30), BENCH_ENGINE_BATCH
 * (spans per insert for the variants, default 10000), BENCH_ENGINE_ROUNDS (default 3),
 * BENCH_ENGINE_BATCHES (the batch sizes compared, default "1000,5000,10000,30000"),
 * BENCH_ENGINE_MERGE_BATCHES (batch sizes for the merges, default "2000,8000,30000"),
 * BENCH_ENGINE_MERGE_SPANS (spans fed per size, default 180000), BENCH_ENGINE_MERGE_RATE
 * (spans/s, default 20000).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { threadTicks, coresByThread } = require('./server-profile');

const ROOT = path.resolve(__dirname, '../..');
const REQUESTS = Number(process.env.BENCH_ENGINE_REQUESTS ?? 30);
const BATCH = Number(process.env.BENCH_ENGINE_BATCH ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ENGINE_ROUNDS ?? 3);
const BATCHES = (process.env.BENCH_ENGINE_BATCHES ?? '1000,5000,10000,30000').split(',').map(Number);
const MERGE_BATCHES = (process.env.BENCH_ENGINE_MERGE_BATCHES ?? '2000,8000,30000').split(',').map(Number);
const MERGE_SPANS = Number(process.env.BENCH_ENGINE_MERGE_SPANS ?? 180_000);
const MERGE_RATE = Number(process.env.BENCH_ENGINE_MERGE_RATE ?? 20_000);
const SPANS_PER_REQUEST = 1000;

const round = (n, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const { makeRequests, distinctRequests } = require('./payloads');
  const { normalizeBody } = require(path.join(ROOT, 'dist/collector/otlp/decode'));
  const { decodeRequest, normalizeRequestToJsonRows } = require(path.join(ROOT, 'dist/collector/otlp/normalize'));
  const { SPAN_COLUMNS } = require(path.join(ROOT, 'dist/storage/columns'));
  const { applySchema, TRACES_TABLE } = require(path.join(ROOT, 'dist/storage/schema'));
  const { SqlRegistry } = require(path.join(ROOT, 'dist/storage/sql/registry'));
  const { embeddedConnection } = require(path.join(ROOT, 'dist/storage/store'));
  const { openScratch } = require(path.join(ROOT, 'dist/storage/scratch'));

  const next = distinctRequests(makeRequests(REQUESTS, SPANS_PER_REQUEST));
  /** Each request's Native blocks, as the decoder hands them to the writer. */
  const requests = [];
  const jsonRows = [];
  let spans = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const body = next();
    const { rows } = normalizeBody(body, 'protobuf');
    requests.push(rows);
    const { tree, leaves } = decodeRequest(body, 'protobuf');
    jsonRows.push(Buffer.from(normalizeRequestToJsonRows(tree, leaves).rows.text));
    spans += rows.spans;
  }
  const nativeBytes = requests.reduce((n, r) => n + r.data.length, 0);
  const json = Buffer.concat(jsonRows);

  /** The requests as batches of about `spans` spans each: what one INSERT carries. */
  const batchesOf = (size) => {
    const batches = [];
    let batch = [];
    let n = 0;
    for (const r of requests) {
      if (batch.length > 0 && n + r.spans > size) {
        batches.push(batch);
        batch = [];
        n = 0;
      }
      batch.push(r.data);
      n += r.spans;
    }
    if (batch.length > 0) batches.push(batch);
    return batches;
  };

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-bench-engine-'));
  const scratch = openScratch();
  const { client, connection } = embeddedConnection(dir);
  try {
    const command = (query, settings = {}) => client.command({ query, clickhouse_settings: settings });
    const rows = async (query) => await (await client.query({ query, format: 'JSONEachRow' })).json();

    /** A database with Hindsight's whole schema, as the server creates it. */
    const schemaIn = async (database) => {
      const sql = SqlRegistry.load(database);
      await applySchema(client, { sql, retentionDays: 7 });
      return sql;
    };
    await schemaIn('bench_reference');
    const dependents = await rows(`SELECT dependencies_database AS db, dependencies_table AS views FROM system.tables WHERE database = 'bench_reference' AND name = '${TRACES_TABLE}'`);
    const views = dependents[0].views;
    const indexes = (await rows(`SELECT name FROM system.data_skipping_indices WHERE database = 'bench_reference' AND table = '${TRACES_TABLE}' ORDER BY name`)).map((r) => r.name);

    /** Each variant: a database of its own, the whole schema, then `drop` applied. */
    const variantSpecs = [
      { name: 'full', dropViews: [], dropIndexes: [] },
      { name: 'no_views', dropViews: views, dropIndexes: [] },
      { name: 'no_indexes', dropViews: [], dropIndexes: indexes },
      { name: 'bare', dropViews: views, dropIndexes: indexes },
      ...views.map((v) => ({ name: `no_view:${v}`, dropViews: [v], dropIndexes: [] })),
      ...indexes.map((i) => ({ name: `no_index:${i}`, dropViews: [], dropIndexes: [i] })),
    ];
    const variants = [];
    for (const [n, spec] of variantSpecs.entries()) {
      const database = `bench_v${n}`;
      const sql = await schemaIn(database);
      for (const v of spec.dropViews) await command(`DROP VIEW ${database}.${v}`);
      for (const i of spec.dropIndexes) await command(`ALTER TABLE ${database}.${TRACES_TABLE} DROP INDEX ${i}`);
      variants.push({ ...spec, database, sql, table: TRACES_TABLE });
    }
    const parseSql = SqlRegistry.load('bench_parse');
    await command('CREATE DATABASE bench_parse');
    await command(`CREATE TABLE bench_parse.${TRACES_TABLE} AS bench_reference.${TRACES_TABLE} ENGINE = Null`);
    variants.unshift({ name: 'parse', database: 'bench_parse', sql: parseSql, table: TRACES_TABLE });

    // Inserts alone: merges would run in the background of whichever variant comes next.
    await command('SYSTEM STOP MERGES');

    /** One INSERT of a batch, as the embedded store runs it (storage/store.ts). */
    const insertBatch = async (sql, table, chunks, settings) => {
      const file = await scratch.write(chunks);
      try {
        const { query, query_params } = sql.render('store/insert-native-file', { table, columns: SPAN_COLUMNS, file });
        await client.command({ query, query_params, clickhouse_settings: { async_insert: 0, ...settings } });
      } finally {
        await scratch.remove(file);
      }
    };
    /** Every span, in batches, into one table: CPU (all threads) and wall time per span. */
    const measure = async (variant, batches, settings = {}) => {
      const wall = performance.now();
      const cpu = process.cpuUsage();
      for (const batch of batches) await insertBatch(variant.sql, variant.table, batch, settings);
      const used = process.cpuUsage(cpu);
      const ms = performance.now() - wall;
      return { cpu: (used.user + used.system) / spans, wall: (ms * 1000) / spans };
    };
    const summary = (samples) => ({
      cpuUsPerSpan: round(median(samples.map((s) => s.cpu))),
      wallUsPerSpan: round(median(samples.map((s) => s.wall))),
      spansPerS: Math.round(1e6 / median(samples.map((s) => s.wall))),
    });

    /** Rows merges rewrote and the merge threads' CPU, per span, for MERGE_SPANS spans inserted `size` at a time. */
    const naturalMerges = async (database, size) => {
      const sql = await schemaIn(database);
      const target = { sql, table: TRACES_TABLE };
      const counter = async (name) => Number((await rows(`SELECT value FROM system.events WHERE name = '${name}'`))[0]?.value ?? 0);
      const mergedBefore = await counter('MergedRows');
      const threadsBefore = threadTicks(process.pid);
      const started = performance.now();
      const batch = batchesOf(size)[0];
      for (let stored = 0; stored < MERGE_SPANS; stored += size) {
        await insertBatch(target.sql, target.table, batch, {});
        const ahead = ((stored + size) / MERGE_RATE) * 1000 - (performance.now() - started);
        if (ahead > 0) await new Promise((resolve) => setTimeout(resolve, ahead));
      }
      for (let quiet = 0; quiet < 3;) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        quiet = Number((await rows('SELECT count() AS n FROM system.merges'))[0].n) === 0 ? quiet + 1 : 0;
      }
      const seconds = (performance.now() - started) / 1000;
      const cores = coresByThread(threadsBefore, threadTicks(process.pid), seconds);
      const merged = (await counter('MergedRows')) - mergedBefore;
      const [parts] = await rows(`SELECT count() AS n, countIf(part_type = 'Wide') AS wide FROM system.parts WHERE active AND database = '${database}' AND table = '${TRACES_TABLE}'`);
      await command(`DROP DATABASE ${database} SYNC`);
      const spansStored = Math.ceil(MERGE_SPANS / size) * size;
      const mergeUs = ((cores.MergeMutate ?? 0) * seconds * 1e6) / spansStored;
      return {
        mergedRowsPerSpan: round(merged / spansStored),
        mergeCpuUsPerSpan: round(mergeUs, 1),
        mergeCpuUsPerMergedRow: round((mergeUs * spansStored) / Math.max(1, merged)),
        partsLeft: Number(parts.n),
        wideParts: Number(parts.wide),
      };
    };

    const batches = batchesOf(BATCH);
    await measure(variants[0], batches); // warm up
    await measure(variants[1], batches);
    const samples = new Map(variants.map((v) => [v.name, []]));
    for (let r = 0; r < ROUNDS; r++) for (const v of variants) samples.get(v.name).push(await measure(v, batches));
    const results = Object.fromEntries([...samples].map(([name, s]) => [name, summary(s)]));
    const full = results.full.cpuUsPerSpan;
    const costs = {
      views: round(full - results.no_views.cpuUsPerSpan),
      indexes: round(full - results.no_indexes.cpuUsPerSpan),
      ...Object.fromEntries(views.map((v) => [`view:${v}`, round(full - results[`no_view:${v}`].cpuUsPerSpan)])),
      ...Object.fromEntries(indexes.map((i) => [`index:${i}`, round(full - results[`no_index:${i}`].cpuUsPerSpan)])),
      // What remains of the insert with neither: sort, compress and write the part.
      table: round(results.bare.cpuUsPerSpan - results.parse.cpuUsPerSpan),
      parse: results.parse.cpuUsPerSpan,
    };

    // Batch size and insert threads on the full schema: parts per span, and their cost.
    const fullVariant = variants.find((v) => v.name === 'full');
    const partsCreated = async () => Number((await rows("SELECT sum(value) AS n FROM system.events WHERE name IN ('InsertedCompactParts', 'InsertedWideParts')"))[0]?.n ?? 0);
    const bySize = {};
    for (let r = 0; r < ROUNDS; r++) {
      for (const size of BATCHES) {
        const before = await partsCreated();
        const sample = await measure(fullVariant, batchesOf(size));
        sample.parts = (await partsCreated()) - before;
        (bySize[size] ??= []).push(sample);
      }
    }
    const batchSizes = Object.fromEntries(Object.entries(bySize).map(([size, s]) => [size, { ...summary(s), partsPer10kSpans: round((s[0].parts * 10_000) / spans, 1) }]));
    const threads = {};
    for (let r = 0; r < ROUNDS; r++) {
      for (const n of [1, 2]) (threads[n] ??= []).push(await measure(fullVariant, batches, { max_insert_threads: n, max_threads: n }));
    }
    const insertThreads = Object.fromEntries(Object.entries(threads).map(([n, s]) => [n, summary(s)]));
    // CPU per span is c + F/B for batches of B spans: F, an INSERT's fixed cost, from the smallest and largest batch.
    const [small, large] = [Math.min(...BATCHES), Math.max(...BATCHES)];
    const fixedCpuMsPerInsert = round((batchSizes[small].cpuUsPerSpan - batchSizes[large].cpuUsPerSpan) / (1 / small - 1 / large) / 1000, 1);

    // The JSON-row reference path through chDB's raw insert, for comparison.
    const insertJson = (database) =>
      connection.chdb.rawInsert({ table: `${database}.${TRACES_TABLE}`, columns: [...SPAN_COLUMNS], values: json, format: 'JSONCompactEachRow', settings: { async_insert: 0 } });
    const measureJson = async (database) => {
      const wall = performance.now();
      const cpu = process.cpuUsage();
      await insertJson(database);
      const used = process.cpuUsage(cpu);
      return summary([{ cpu: (used.user + used.system) / spans, wall: ((performance.now() - wall) * 1000) / spans }]);
    };
    const jsonParse = await measureJson('bench_parse');
    const jsonInsert = await measureJson(fullVariant.database);

    // Merges as they happen: a fresh schema per batch size, fed MERGE_SPANS spans at
    // MERGE_RATE spans/s with merges running, until no merge is left. The merge threads'
    // CPU (/proc, by thread name) and the rows they rewrote, per span stored. Other
    // variants are dropped first, so only these tables merge.
    for (const v of variants) await command(`DROP DATABASE ${v.database} SYNC`);
    await command('DROP DATABASE bench_reference SYNC');
    await command('SYSTEM START MERGES');
    const merges = {};
    for (const [n, size] of MERGE_BATCHES.entries()) merges[size] = await naturalMerges(`bench_merge${n}`, size);

    process.stdout.write(
      JSON.stringify({
        spans,
        batchSpans: BATCH,
        rounds: ROUNDS,
        nativeBytesPerSpan: round(nativeBytes / spans, 1),
        jsonBytesPerSpan: round(json.length / spans, 1),
        views,
        indexes,
        parse: results.parse,
        insert: results.full,
        variants: results,
        costs,
        batchSizes,
        fixedCpuMsPerInsert,
        insertThreads,
        merges,
        jsonParse,
        jsonInsert,
      }),
    );
  } finally {
    await client.close();
    scratch.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
