'use strict';
/**
 * Where a running `hindsight serve` spends its cores during a load, without
 * slowing it down: CPU time per thread from /proc (grouped by thread name: Node's
 * main thread, its other threads, and chDB's pools by the names ClickHouse gives
 * them), and the engine's own counters (inserts, parts written, merges) read
 * through the server's read-only SQL endpoint before and after.
 */
const fs = require('node:fs');

const TICKS_PER_S = 100;

/** utime + stime, in ticks, from a /proc stat line (fields 14 and 15; after pid and comm, 11 and 12). */
function statTicks(stat) {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** The CPU seconds of process `pid` so far, all its threads, ended ones included. */
function processCpuSeconds(pid) {
  return statTicks(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')) / TICKS_PER_S;
}

/** The CPU seconds of `pid`'s main thread (Node's event loop) so far. */
function mainThreadCpuSeconds(pid) {
  return statTicks(fs.readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')) / TICKS_PER_S;
}

/** CPU ticks (user + system) of every thread of `pid`, by thread id, with its name. */
function threadTicks(pid) {
  const threads = new Map();
  let ids;
  try {
    ids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const tid of ids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      threads.set(tid, { name: tid === String(pid) ? 'node main' : name === 'node' ? 'node other' : name, ticks: statTicks(stat) });
    } catch {
      // the thread ended in between
    }
  }
  return threads;
}

/** Cores used per thread name between two threadTicks snapshots `seconds` apart, largest first, and their total. */
function coresByThread(before, after, seconds) {
  const cores = {};
  for (const [tid, t] of after) {
    const used = t.ticks - (before.get(tid)?.ticks ?? 0);
    if (used > 0) cores[t.name] = (cores[t.name] ?? 0) + used / TICKS_PER_S / seconds;
  }
  const sorted = Object.entries(cores)
    .filter(([, c]) => c >= 0.005)
    .sort((a, b) => b[1] - a[1])
    .map(([name, c]) => [name, Math.round(c * 1000) / 1000]);
  return { total: Math.round(Object.values(cores).reduce((a, b) => a + b, 0) * 1000) / 1000, ...Object.fromEntries(sorted) };
}

const EVENTS = [
  'InsertQuery',
  'InsertedRows',
  'InsertedCompactParts',
  'InsertedWideParts',
  'Merge',
  'MergeSourceParts',
  'MergedRows',
  'MergedIntoCompactParts',
  'MergedIntoWideParts',
  'MergeTreeDataWriterRows',
];

/** A query through the server's SQL endpoint, as rows. */
async function sqlRows(uiPort, query) {
  const res = await fetch(`http://127.0.0.1:${uiPort}/api/v1/sql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query, format: 'json' }) });
  if (!res.ok) throw new Error(`SQL endpoint: ${res.status} ${await res.text()}`);
  return (await res.json()).data;
}

/** The engine's counters that say how inserts and merges went. */
async function engineEvents(uiPort) {
  const rows = await sqlRows(uiPort, `SELECT name, value FROM system.events WHERE name IN (${EVENTS.map((e) => `'${e}'`).join(', ')})`);
  return Object.fromEntries(EVENTS.map((e) => [e, Number(rows.find((r) => r.name === e)?.value ?? 0)]));
}

/** What happened in the engine between two engineEvents snapshots, per second and per span accepted. */
function engineActivity(before, after, seconds, spans) {
  const d = (e) => after[e] - before[e];
  const parts = d('InsertedCompactParts') + d('InsertedWideParts');
  const round = (n, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
  return {
    inserts_per_s: round(d('InsertQuery') / seconds),
    spans_per_insert: Math.round(spans / Math.max(1, d('InsertQuery'))),
    // Every table an insert writes (otel_traces and each view's target) makes a part.
    parts_written_per_s: round(parts / seconds),
    merges_per_s: round(d('Merge') / seconds),
    parts_merged_per_s: round(d('MergeSourceParts') / seconds),
    // Rows merges rewrote per span stored: each merge level rewrites the rows again (views' targets included).
    merged_rows_per_span: round(d('MergedRows') / spans),
  };
}

/** otel_traces's active parts now: how many and how large. */
async function activeParts(uiPort, database = 'otel') {
  const [row] = await sqlRows(uiPort, `SELECT count() AS parts, sum(rows) AS total_rows, max(rows) AS largest FROM system.parts WHERE active AND database = '${database}' AND table = 'otel_traces'`);
  return { parts: Number(row.parts), mean_rows: Math.round(Number(row.total_rows) / Math.max(1, Number(row.parts))), largest_rows: Number(row.largest) };
}

module.exports = { processCpuSeconds, mainThreadCpuSeconds, threadTicks, coresByThread, engineEvents, engineActivity, activeParts };
