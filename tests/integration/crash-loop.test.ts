/**
 * Exactly once, across retries and crashes. OpenTelemetry SDK exporters send and
 * retry as they do in production while the server is killed with -9 five times and
 * restarted on the same data directory and ports. Every acknowledged span must be
 * stored exactly once, counted by id; the figures are printed.
 */
import * as net from 'node:net';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { makeSimpleTrace, protobufRequest } from '../support/spans';
import { post } from '../support/http';
import { childSlotPerTest, queryDataDir, startChildServer, type ChildServer } from '../support/child';

const slot = childSlotPerTest('hindsight-crash-');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Each stored span id with how many times it is stored. */
function storedCounts(): Map<string, number> {
  const rows = queryDataDir(slot.dataDir, 'SELECT SpanId, count() AS n FROM otel.otel_traces GROUP BY SpanId') as { SpanId: string; n: string }[];
  return new Map(rows.map((r) => [r.SpanId, Number(r.n)]));
}

test('a request whose insert landed just before kill -9 is stored once when the exporter retries it', async () => {
  const spans = makeSimpleTrace({ service: 'killed-before-ack', children: 9 });
  const body = protobufRequest(spans);
  slot.running = await startChildServer(slot.dataDir, ['--test-kill-after-inserts', '1']);
  const first = await post(`http://127.0.0.1:${slot.running.ports.otlpHttp}/v1/traces`, body, { 'Content-Type': 'application/x-protobuf' }).then(
    (response) => response.status,
    (err: Error) => err.message,
  );
  expect(first).toBe('fetch failed'); // no answer: the process died between the insert and the acknowledgement
  expect((await slot.running.exited).signal).toBe('SIGKILL');

  slot.running = await startChildServer(slot.dataDir);
  expect(slot.running.logs.join('\n')).toContain('ingest journal read');
  const retry = await post(`http://127.0.0.1:${slot.running.ports.otlpHttp}/v1/traces`, body, { 'Content-Type': 'application/x-protobuf' });
  expect(retry.status).toBe(200);
  const metrics = await (await fetch(`http://127.0.0.1:${slot.running.ports.ui}/metrics`)).text();
  expect(metrics).toMatch(/^hindsight_duplicate_requests_total 1$/m);
  slot.running.process.kill('SIGTERM');
  await slot.running.exited;
  const counts = storedCounts();
  for (const span of spans) expect(counts.get(span.spanContext().spanId)).toBe(1);
});

test('five kill -9 while SDK exporters send and retry: no acknowledged span lost, none stored twice', async () => {
  const ports = { http: await freePort(), grpc: await freePort(), ui: await freePort() };
  const args = ['--otlp-http-port', String(ports.http), '--otlp-grpc-port', String(ports.grpc), '--ui-port', String(ports.ui), '--clickhouse-http-port', '0'];
  const start = async (): Promise<ChildServer> => {
    // The data directory stays locked for a moment after a kill; try again until it opens.
    for (let attempt = 0; ; attempt++) {
      try {
        return await startChildServer(slot.dataDir, args);
      } catch (err) {
        if (attempt >= 20) throw err;
        await sleep(250);
      }
    }
  };
  slot.running = await start();

  const acknowledged: string[] = [];
  const sent: string[] = [];
  let failedExports = 0;
  let stop = false;
  const client = async (name: string): Promise<void> => {
    const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${ports.http}/v1/traces`, timeoutMillis: 20_000 });
    for (let i = 0; !stop; i++) {
      const spans = makeSimpleTrace({ service: name, name: `request ${i}`, children: 19 });
      const ids = spans.map((s) => s.spanContext().spanId);
      sent.push(...ids);
      const code = await new Promise<number>((resolve) => exporter.export(spans, (result) => resolve(result.code)));
      if (code === 0) acknowledged.push(...ids);
      else failedExports++;
    }
    await exporter.shutdown();
  };
  const clients = Array.from({ length: 4 }, (_, i) => client(`client-${i}`));

  try {
    for (let kill = 0; kill < 5; kill++) {
      await sleep(400 + Math.random() * 600);
      slot.running.process.kill('SIGKILL');
      await slot.running.exited;
      slot.running = await start();
    }
    await sleep(1000);
  } finally {
    stop = true;
    await Promise.all(clients);
  }
  slot.running.process.kill('SIGTERM');
  await slot.running.exited;

  const counts = storedCounts();
  const lost = acknowledged.filter((id) => counts.get(id) === undefined).length;
  const duplicated = sent.filter((id) => (counts.get(id) ?? 0) > 1).length;
  const storedUnacknowledged = sent.filter((id) => counts.has(id)).length - acknowledged.length;
  console.log(
    `crash loop: 5 kills; ${sent.length / 20} requests sent, ${acknowledged.length / 20} acknowledged, ${failedExports} failed after retries; ` +
      `${acknowledged.length} acknowledged spans: ${lost} lost, ${duplicated} stored twice; ${storedUnacknowledged} unacknowledged spans stored once`,
  );
  expect(acknowledged.length).toBeGreaterThan(0);
  expect(lost).toBe(0);
  expect(duplicated).toBe(0);
});
