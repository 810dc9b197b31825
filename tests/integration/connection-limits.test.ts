/**
 * Connections cannot exhaust the process. A TLS connection that never says hello is
 * closed after the header timeout (Node's default handshake timeout is 120 s); each
 * port closes connections past its cap at once, so a flood on one port leaves the
 * file descriptors chDB and the other ports need; and once the flood goes,
 * exporters and the viewer are served again.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { makeSimpleTrace, protobufRequest } from '../support/spans';
import { grpcExport } from '../support/http';
import { selfSignedCertificate } from '../support/tls';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';
import { childSlotPerTest, startChild, type ChildServer } from '../support/child';

interface Held {
  socket: net.Socket;
  closed: boolean;
  whenClosed: Promise<void>;
}

/** A connection that sends nothing; resolves once connected. */
function hold(port: number): Promise<Held> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const held: Held = { socket, closed: false, whenClosed: new Promise((done) => socket.once('close', () => done())) };
    void held.whenClosed.then(() => (held.closed = true));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve(held));
    socket.once('error', reject);
  });
}

async function holdMany(port: number, count: number): Promise<Held[]> {
  const held: Held[] = [];
  for (let i = 0; i < count; i++) held.push(await hold(port));
  return held;
}

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A GET on a connection of its own, closed after: fetch's pool would keep one open and count against the cap. */
function statusOf(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

function exportWith(exporter: ProtoExporter | GrpcExporter, spans: ReadableSpan[]): Promise<number> {
  return new Promise((resolve) => exporter.export(spans, (result) => resolve(result.code)));
}

describe('TLS', () => {
  let dir: string;
  let server: TestServer;
  beforeAll(async () => {
    const certificate = selfSignedCertificate('hindsight-handshake-');
    dir = certificate.dir;
    server = await startTestServer({ tlsCert: certificate.cert, tlsKey: certificate.key, httpHeaderTimeoutMs: 1000 });
  });
  afterAll(async () => {
    await stopTestServer(server);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a connection that never sends a ClientHello is closed after the header timeout on every port', async () => {
    const started = performance.now();
    const held = await Promise.all([server.ports.otlpHttp!, server.ports.otlpGrpc!, server.ports.ui!].map((port) => hold(port)));
    // Well short of Node's 120 s default; generous for a busy machine.
    let timer: NodeJS.Timeout | undefined;
    const closedInTime = await Promise.race([Promise.all(held.map((h) => h.whenClosed)).then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 10_000)))]);
    clearTimeout(timer);
    const seconds = (performance.now() - started) / 1000;
    held.forEach((h) => h.socket.destroy());
    expect(closedInTime).toBe(true);
    expect(seconds).toBeGreaterThanOrEqual(0.9);
    process.stdout.write(`unhandshaken TLS connections closed after ${seconds.toFixed(2)} s\n`);
  });
});

describe('--max-connections 50', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ maxConnections: 50 });
  });
  afterAll(async () => {
    await stopTestServer(server);
  });

  test('exporters and the viewer are served beside 45 idle connections a port; past 50 new ones are closed at once; after the flood all are served', async () => {
    const ports = [server.ports.otlpHttp!, server.ports.otlpGrpc!, server.ports.ui!];
    const proto = new ProtoExporter({ url: `${server.httpUrl}/v1/traces`, httpAgentOptions: { keepAlive: false } });
    const grpcExporter = new GrpcExporter({ url: server.grpcUrl });
    const held: Held[][] = [];
    try {
      for (const port of ports) held.push(await holdMany(port, 45));
      expect(await exportWith(proto, makeSimpleTrace({ service: 'beside-45-idle-http' }))).toBe(0);
      expect(await exportWith(grpcExporter, makeSimpleTrace({ service: 'beside-45-idle-grpc' }))).toBe(0);
      expect(await statusOf(`${server.uiUrl}/api/v1/services`)).toBe(200);
      // The gRPC exporter's connection counts too: let it go before filling the ports.
      await Promise.all([proto.shutdown(), grpcExporter.shutdown()]);
      await settle(300);

      for (const [i, port] of ports.entries()) held[i]!.push(...(await holdMany(port, 15)));
      await settle(500);
      for (const perPort of held) {
        expect(perPort.filter((h) => h.closed)).toHaveLength(10);
        expect(perPort.slice(0, 50).every((h) => !h.closed)).toBe(true);
      }
      await expect(statusOf(`${server.uiUrl}/healthz`)).rejects.toThrow();
      expect((await grpcExport(server.grpcUrl, protobufRequest(makeSimpleTrace()))).error?.code).toBe(grpc.status.UNAVAILABLE);
    } finally {
      held.flat().forEach((h) => h.socket.destroy());
    }

    await settle(300);
    const after = new ProtoExporter({ url: `${server.httpUrl}/v1/traces` });
    const afterGrpc = new GrpcExporter({ url: server.grpcUrl });
    expect(await exportWith(after, makeSimpleTrace({ service: 'after-the-flood-http' }))).toBe(0);
    expect(await exportWith(afterGrpc, makeSimpleTrace({ service: 'after-the-flood-grpc' }))).toBe(0);
    expect(await statusOf(`${server.uiUrl}/api/v1/services`)).toBe(200);
    await Promise.all([after.shutdown(), afterGrpc.shutdown()]);
  });
});

describe('the default cap at a 1,024-file limit', () => {
  const slot = childSlotPerTest('hindsight-nofile-');
  /** `hindsight serve` under `ulimit -n 1024` (soft and hard, so Node cannot raise it). */
  function startLimited(dataDir: string): Promise<ChildServer> {
    return startChild(['serve', '--data-dir', dataDir, '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--ui-port', '0', '--clickhouse-http-port', '0'], {}, 'ulimit -n 1024');
  }

  test('957 idle connections on the viewer port: it keeps 170 (half the limit over three ports), and exports are stored meanwhile', async () => {
    const server = await startLimited(slot.dataDir);
    slot.running = server;
    const { otlpHttp, otlpGrpc, ui } = server.ports;
    const proto = new ProtoExporter({ url: `http://127.0.0.1:${otlpHttp}/v1/traces` });
    const grpcExporter = new GrpcExporter({ url: `http://127.0.0.1:${otlpGrpc}` });
    const spans = makeSimpleTrace({ service: 'under-a-flood', children: 3 });
    let flood: Held[] = [];
    try {
      flood = await holdMany(ui, 957).catch((err: unknown) => {
        throw new Error(`could not open the flood: ${String(err)}`);
      });
      await settle(500);
      expect(flood.filter((h) => !h.closed)).toHaveLength(170);
      expect(await exportWith(proto, spans)).toBe(0);
      expect(await exportWith(grpcExporter, makeSimpleTrace({ service: 'under-a-flood-grpc' }))).toBe(0);
    } finally {
      flood.forEach((h) => h.socket.destroy());
      await Promise.all([proto.shutdown(), grpcExporter.shutdown()]);
    }
    await settle(300);
    const traceId = spans[0]!.spanContext().traceId;
    const trace = (await (await fetch(`http://127.0.0.1:${ui}/api/v1/traces/${traceId}`)).json()) as { spans: unknown[] };
    expect(trace.spans).toHaveLength(4);
    expect(server.logs.join('\n')).not.toMatch(/EMFILE/);
  });
});
