/**
 * The SQL endpoint cannot starve ingest or the viewer. chDB runs every query,
 * stream fetch and insert as N-API async work on libuv's thread pool, where zlib's
 * inflate runs too; with libuv's default of 4 threads, four long queries (the
 * --sql-max-concurrent default) held all of them, and gzip exports and the viewer's
 * own queries waited for the queries' time limit. The CLI sizes the pool from the
 * config before anything uses it, so this runs the built CLI as a child: an
 * in-process server shares jest's pool, which is already started.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { makeSimpleTrace } from '../support/spans';
import { childSlotPerTest, startChildServer } from '../support/child';

const slot = childSlotPerTest('hindsight-starve-');
const SQL_READERS = 4;
/** CPU-bound for far longer than the test; common functions only, so any SQL function allowlist lets it through. */
const HEAVY = 'SELECT count() FROM numbers(100000000000) WHERE NOT ignore(sipHash64(number))';
/** Generous against a shared 2-core machine busy with the heavy queries; starved, they took 29 s and more. */
const ANSWER_WITHIN_MS = 5000;

function exportSpans(exporter: OTLPTraceExporter, spans: ReadableSpan[]): Promise<number> {
  return new Promise((resolve) => exporter.export(spans, (result) => resolve(result.code)));
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: Math.round(performance.now() - started) };
}

test('gzip exports and the viewer are answered within seconds while every SQL reader runs a heavy query', async () => {
  slot.running = await startChildServer(slot.dataDir, ['--sql-max-concurrent', String(SQL_READERS), '--sql-max-execution-seconds', '60']);
  const { otlpHttp, ui } = slot.running.ports;
  const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${otlpHttp}/v1/traces`, compression: CompressionAlgorithm.GZIP, timeoutMillis: 60_000 });
  // Warm up: the first export and query create the tables' first parts.
  expect(await exportSpans(exporter, makeSimpleTrace({ service: 'warm-up' }))).toBe(0);

  const abandon = new AbortController();
  let finished = 0;
  const heavy = Array.from({ length: SQL_READERS }, () =>
    fetch(`http://127.0.0.1:${ui}/api/v1/sql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: HEAVY, format: 'csv' }),
      signal: abandon.signal,
    }).then(
      async (response) => {
        finished++;
        return response.text();
      },
      () => 'abandoned',
    ),
  );
  // Let every reader get into its query.
  await new Promise((resolve) => setTimeout(resolve, 3000));

  const figures: Record<string, number[]> = { exports: [], services: [] };
  try {
    for (let i = 0; i < 3; i++) {
      const [exported, services] = await Promise.all([
        timed(() => exportSpans(exporter, makeSimpleTrace({ service: `under-sql-${i}`, children: 20 }))),
        timed(async () => (await fetch(`http://127.0.0.1:${ui}/api/v1/services`)).status),
      ]);
      expect(exported.value).toBe(0);
      expect(services.value).toBe(200);
      figures.exports!.push(exported.ms);
      figures.services!.push(services.ms);
    }
    // The readers were busy throughout: no heavy query had answered yet.
    expect(finished).toBe(0);
  } finally {
    process.stdout.write(`starvation figures (ms): ${JSON.stringify(figures)}\n`);
    abandon.abort();
    await Promise.all(heavy);
    await exporter.shutdown();
  }
  for (const ms of [...figures.exports!, ...figures.services!]) expect(ms).toBeLessThan(ANSWER_WITHIN_MS);
}, 240_000);
