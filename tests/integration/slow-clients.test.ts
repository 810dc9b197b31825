/**
 * Idle connections and slowloris-style clients cannot starve real ones: while
 * 1,000 connections sit idle and others trickle their headers or bodies, the
 * OpenTelemetry exporters and the viewer are served; the header, request and
 * keep-alive timeouts then close every slow connection.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { makeSimpleTrace } from '../support/spans';
import { startChildServer, stopChildServer, type ChildServer } from '../support/child';

const IDLE = 1000;
const SLOW = 20;
let dir: string;
let server: ChildServer;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-slow-'));
  // A cap of its own, above what the test holds: the default derives from the file limit,
  // and what the cap does is connection-limits.test.ts's subject, not this one's.
  server = await startChildServer(dir, ['--http-header-timeout-ms', '1500', '--http-request-timeout-ms', '3000', '--http-keep-alive-timeout-ms', '1500', '--max-connections', String(IDLE)]);
});

afterAll(async () => {
  await stopChildServer(server, dir);
});

interface Held {
  socket: net.Socket;
  received: string;
  closed: Promise<void>;
}

function connect(port: number): Promise<Held> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const held: Held = { socket, received: '', closed: new Promise((done) => socket.once('close', () => done())) };
    socket.on('data', (b) => (held.received += b.toString('latin1')));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve(held));
    socket.once('error', reject);
  });
}

/** Writes one piece every interval until the socket closes. */
function trickle(held: Held, pieces: string[], intervalMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (held.socket.destroyed || held.socket.writableEnded) return clearInterval(timer);
    held.socket.write(pieces[i % pieces.length] as string);
    i++;
  }, intervalMs);
  void held.closed.then(() => clearInterval(timer));
}

function exportWith(exporter: { export: ProtoExporter['export'] }, spans: ReadableSpan[]): Promise<number> {
  return new Promise((resolve) => exporter.export(spans, (result) => resolve(result.code)));
}

test('1,000 idle connections and slowloris clients leave exporters and the viewer served, and are closed by the timeouts', async () => {
  const { otlpHttp, otlpGrpc, ui } = server.ports;
  const idle: Held[] = [];
  for (let i = 0; i < IDLE; i++) idle.push(await connect([otlpHttp, otlpGrpc, ui][i % 3] as number));

  const slowHeaders = await Promise.all(Array.from({ length: SLOW }, () => connect(otlpHttp)));
  for (const held of slowHeaders) {
    held.socket.write('POST /v1/traces HTTP/1.1\r\nHost: localhost\r\n');
    trickle(held, ['X-Slow: a\r\n'], 200);
  }
  const slowBodies = await Promise.all(Array.from({ length: SLOW }, () => connect(otlpHttp)));
  for (const held of slowBodies) {
    held.socket.write('POST /v1/traces HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-protobuf\r\nContent-Length: 100000\r\n\r\n');
    trickle(held, ['\n'], 200);
  }

  // Real clients, while all of that is held open.
  const protoSpans = makeSimpleTrace({ service: 'served-over-http', children: 3 });
  const grpcSpans = makeSimpleTrace({ service: 'served-over-grpc', children: 3 });
  const proto = new ProtoExporter({ url: `http://127.0.0.1:${otlpHttp}/v1/traces` });
  const grpc = new GrpcExporter({ url: `http://127.0.0.1:${otlpGrpc}` });
  expect(await exportWith(proto, protoSpans)).toBe(0);
  expect(await exportWith(grpc, grpcSpans)).toBe(0);
  const services = await fetch(`http://127.0.0.1:${ui}/api/v1/services`);
  expect(services.status).toBe(200);
  const traceId = protoSpans[0]!.spanContext().traceId;
  const trace = (await (await fetch(`http://127.0.0.1:${ui}/api/v1/traces/${traceId}`)).json()) as { spans: unknown[] };
  expect(trace.spans).toHaveLength(4);
  await Promise.all([proto.shutdown(), grpc.shutdown()]);

  // The timeouts close every slow connection; slowloris requests are told why.
  await Promise.all([...idle, ...slowHeaders, ...slowBodies].map((h) => h.closed));
  for (const held of [...slowHeaders, ...slowBodies]) expect(held.received).toMatch(/^HTTP\/1\.1 408 /);
});
