'use strict';
/**
 * Sums V8 CPU profiles (.cpuprofile, as `node --cpu-prof` writes one per thread)
 * by stage of the ingest path: each sample goes to the stage of the innermost frame
 * on its stack that belongs to one (a Buffer copy called by the decoder is
 * decoding; a hash called by the decode thread is hashing). Prints one JSON line:
 * milliseconds per stage, per thread and in all, and µs per span when told how many
 * spans the profiled run accepted, with the busiest functions by self time.
 *
 *   BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" BENCH_CONCURRENCY=8 node tests/bench/ingest.js
 *   node tests/bench/cpu-profile.js /tmp/prof [accepted spans]
 */
const fs = require('node:fs');
const path = require('node:path');

/** Stages, tried in order on each frame; a frame matching none passes the sample to its caller. */
const STAGES = [
  ['idle', (f) => f.functionName === '(idle)'],
  ['gc', (f) => f.functionName === '(garbage collector)'],
  ['hashing', (f) => f.functionName === 'requestKey' || f.functionName === 'batchKey'],
  ['gzip', (f) => f.url === 'node:zlib' || f.url.startsWith('node:internal/zlib')],
  ['decode (protobuf walk, attributes)', (f) => /\/collector\/otlp\/(transcode-attributes|values|leaves)\.js$/.test(f.url)],
  ['decode (protobuf walk, spans)', (f) => /\/collector\/otlp\/(?!decode-pool)[^/]+\.js$/.test(f.url) || /\/collector\/otlp\/wire\//.test(f.url)],
  ['decode (Native columns)', (f) => /\/storage\/(native|span-block)\.js$/.test(f.url)],
  ['decode thread hand-off', (f) => /\/collector\/otlp\/decode-(pool|worker)\.js$/.test(f.url) || f.url.startsWith('node:internal/worker')],
  ['insert (store, scratch file, chDB client)', (f) => /\/storage\/[^/]+\.js$/.test(f.url) || /node_modules\/(chdb|@clickhouse)\//.test(f.url)],
  ['writer, dedup, journal', (f) => /\/collector\/ingest\//.test(f.url)],
  ['HTTP (receiver, Node http)', (f) => /\/collector\/receiver\//.test(f.url) || /^node:(_http|net|internal\/http|internal\/stream_base)/.test(f.url) || /node_modules\/express\//.test(f.url)],
  ['viewer, metrics, other of ours', (f) => /\/dist\/(viewer|common|cmd|collector)\//.test(f.url)],
  ['program (native code, unattributed)', (f) => f.functionName === '(program)'],
];

function stageOf(frame) {
  for (const [name, test] of STAGES) if (test(frame)) return name;
  return undefined;
}

/** Milliseconds per stage and self time per function of one profile. */
function summarize(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stageCache = new Map();
  const stageOfNode = (id) => {
    if (stageCache.has(id)) return stageCache.get(id);
    const node = byId.get(id);
    const own = stageOf(node.callFrame);
    const stage = own ?? (parent.has(id) ? stageOfNode(parent.get(id)) : 'other (Node internals)');
    stageCache.set(id, stage);
    return stage;
  };
  const stages = {};
  const functions = {};
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const id = profile.samples[i];
    stages[stageOfNode(id)] = (stages[stageOfNode(id)] ?? 0) + ms;
    const f = byId.get(id).callFrame;
    const name = `${f.functionName || '(anonymous)'} ${path.basename(f.url)}:${f.lineNumber + 1}`;
    functions[name] = (functions[name] ?? 0) + ms;
  }
  return { stages, functions };
}

function main() {
  const [dir, spansArg] = process.argv.slice(2);
  if (dir === undefined) {
    console.error('usage: node tests/bench/cpu-profile.js <directory of .cpuprofile files> [accepted spans]');
    process.exit(2);
  }
  const spans = spansArg === undefined ? undefined : Number(spansArg);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const total = {};
  const functions = {};
  const threads = {};
  for (const file of files) {
    const s = summarize(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
    const busy = Object.entries(s.stages).reduce((n, [stage, ms]) => (stage === 'idle' ? n : n + ms), 0);
    threads[file] = Math.round(busy);
    for (const [k, v] of Object.entries(s.stages)) total[k] = (total[k] ?? 0) + v;
    for (const [k, v] of Object.entries(s.functions)) functions[k] = (functions[k] ?? 0) + v;
  }
  const sorted = (o, n = Infinity) =>
    Object.entries(o)
      .sort((a, b) => b[1] - a[1])
      .slice(0, n);
  const out = {
    busy_ms_by_thread: threads,
    ms_by_stage: Object.fromEntries(sorted(total).map(([k, v]) => [k, Math.round(v)])),
    top_self_ms: Object.fromEntries(sorted(functions, 25).map(([k, v]) => [k, Math.round(v)])),
  };
  if (spans !== undefined)
    out.us_per_span_by_stage = Object.fromEntries(
      sorted(total)
        .filter(([k]) => k !== 'idle')
        .map(([k, v]) => [k, Math.round(((v * 1000) / spans) * 100) / 100]),
    );
  console.log(JSON.stringify(out));
}

main();
