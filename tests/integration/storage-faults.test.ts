/**
 * When the store is unreachable or refuses inserts, exporters get 503 /
 * UNAVAILABLE with Retry-After and nothing is acknowledged; when it comes back,
 * ingestion resumes without a restart. Driven through a FaultyStore (tests/support)
 * over real chDB, and against a ClickHouse URL whose port nobody listens on.
 */
import * as net from 'node:net';
import { status as GrpcCode } from '@grpc/grpc-js';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { makeSimpleTrace, protobufRequest } from '../support/spans';
import { grpcExport, post } from '../support/http';
import { startChild, type ChildServer } from '../support/child';
import { queryRows, startFaultyServer, stopTestServer, type FaultyTestServer } from '../support/server';

let server: FaultyTestServer;
beforeAll(async () => {
  server = await startFaultyServer();
});
afterAll(async () => {
  server.faults.set(undefined);
  await stopTestServer(server);
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function storedCount(traceId: string): Promise<number> {
  const rows = await queryRows<{ n: string }>(server.store.client, `SELECT count() AS n FROM ${server.config.database}.otel_traces WHERE TraceId = {id:String}`, { id: traceId });
  return Number(rows[0]?.n);
}

async function sendHttp(service: string): Promise<{ status: number; retryAfter: string | null; traceId: string; message: string }> {
  const spans = makeSimpleTrace({ service, children: 2 });
  const response = await post(`${server.httpUrl}/v1/traces`, protobufRequest(spans), { 'Content-Type': 'application/x-protobuf' });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), traceId: spans[0]!.spanContext().traceId, message: response.body.toString('latin1') };
}

async function until<T>(what: string, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const value = await attempt();
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each([
  ['unreachable', 'ECONNREFUSED'],
  ['refusing', 'TABLE_IS_READ_ONLY'],
] as const)('a store that is %s', (fault, cause) => {
  afterEach(() => server.faults.set(undefined));

  test('gets 503 with Retry-After over HTTP and UNAVAILABLE over gRPC; nothing is stored; then writes resume by themselves', async () => {
    expect((await sendHttp('before')).status).toBe(200);
    server.faults.set(fault);

    const refused = await sendHttp('during');
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toMatch(/^\d+$/);
    expect(refused.message).toContain(cause);
    // While the store is known to be down, later writes are refused at once, with the cause.
    const next = await sendHttp('during');
    expect(next.status).toBe(503);
    expect(next.message).toContain('the store has been unavailable since');
    const grpcSpans = makeSimpleTrace({ service: 'during-grpc' });
    const { error } = await grpcExport(server.grpcUrl, protobufRequest(grpcSpans));
    expect(error?.code).toBe(GrpcCode.UNAVAILABLE);

    const ready = await fetch(`${server.httpUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { reason: string }).reason).toContain('unavailable since');
    expect(await (await fetch(`${server.httpUrl}/metrics`)).text()).toMatch(/^hindsight_store_up 0$/m);

    server.faults.set(undefined);
    const resumed = await until('writes to resume', async () => {
      const attempt = await sendHttp('after');
      return attempt.status === 200 ? attempt : undefined;
    });
    expect(await storedCount(resumed.traceId)).toBe(3);
    expect(await storedCount(refused.traceId)).toBe(0);
    expect(await storedCount(next.traceId)).toBe(0);
    expect(await storedCount(grpcSpans[0]!.spanContext().traceId)).toBe(0);
    expect((await fetch(`${server.httpUrl}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${server.httpUrl}/metrics`)).text()).toMatch(/^hindsight_store_up 1$/m);
  });
});

test('an OpenTelemetry exporter that meets a store outage retries on 503 and its spans are stored once, after the store returns', async () => {
  const exporter = new OTLPTraceExporter({ url: `${server.httpUrl}/v1/traces`, timeoutMillis: 20_000 });
  const spans = makeSimpleTrace({ service: 'sdk-during-outage', children: 4 });
  server.faults.set('unreachable');
  const exported = new Promise<number>((resolve) => exporter.export(spans, (result) => resolve(result.code)));
  await sleep(1500);
  server.faults.set(undefined);
  expect(await exported).toBe(0);
  expect(await storedCount(spans[0]!.spanContext().traceId)).toBe(5);
  await exporter.shutdown();
});

describe('a collector whose ClickHouse URL points at a closed port', () => {
  let child: ChildServer;
  beforeAll(async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    child = await startChild(['collector', '--clickhouse-url', `http://127.0.0.1:${closedPort}`, '--otlp-http-port', '0', '--otlp-grpc-port', '0']);
  });
  afterAll(async () => {
    child.process.kill('SIGTERM');
    await child.exited;
  });

  test('starts, says it is waiting for ClickHouse, and answers 503 / UNAVAILABLE with Retry-After', async () => {
    expect(child.logs.join('\n')).toContain('ClickHouse is unreachable at start; waiting for it');
    const base = `http://127.0.0.1:${child.ports.otlpHttp}`;
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { reason: string }).reason).toContain('ECONNREFUSED');
    const response = await post(`${base}/v1/traces`, protobufRequest(makeSimpleTrace()), { 'Content-Type': 'application/x-protobuf' });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    const { error } = await grpcExport(`127.0.0.1:${child.ports.otlpGrpc}`, protobufRequest(makeSimpleTrace()));
    expect(error?.code).toBe(GrpcCode.UNAVAILABLE);
  });

  test('stops cleanly while waiting', async () => {
    child.process.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
  });
});
