/**
 * DNS rebinding: a page on an attacker's name, re-pointed at the loopback address,
 * sends that name in Host. Every HTTP port answers it 421 before routing, healthz
 * and the SQL endpoint included; the names Hindsight serves (localhost, the loopback
 * and other IP literals, --host, --public-host) are served, and real exporters,
 * which send their endpoint's name, keep working.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { makeSimpleTrace, protobufRequest } from '../support/spans';
import { grpcExport } from '../support/http';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

const PUBLIC = 'traces.example.test';
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ publicHosts: [PUBLIC] });
});

afterAll(async () => {
  await stopTestServer(server);
});

interface Answer {
  status: number;
  body: string;
}

/** fetch() drops a Host header it is given, so this goes through node:http, which sends it. */
function request(port: number, host: string, method: string, path: string, body?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { Host: host };
    if (body !== undefined) headers['Content-Type'] = path === '/v1/traces' ? 'application/x-protobuf' : 'application/json';
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const routes = (): Array<[string, number, string, string, Buffer | undefined]> => [
  ['viewer healthz', server.ports.ui!, 'GET', '/healthz', undefined],
  ['viewer API', server.ports.ui!, 'GET', '/api/v1/services', undefined],
  ['SQL endpoint', server.ports.ui!, 'POST', '/api/v1/sql', Buffer.from(JSON.stringify({ query: 'SELECT 1', format: 'json' }))],
  ['viewer app', server.ports.ui!, 'GET', '/', undefined],
  ['OTLP healthz', server.ports.otlpHttp!, 'GET', '/healthz', undefined],
  ['OTLP metrics', server.ports.otlpHttp!, 'GET', '/metrics', undefined],
  ['OTLP export', server.ports.otlpHttp!, 'POST', '/v1/traces', protobufRequest(makeSimpleTrace())],
];

test.each(['evil.example', 'evil.example:16686', 'localhost.evil.example', '127.0.0.1.nip.io'])(
  'Host %s gets 421 HS_MISDIRECTED on every HTTP port and route, naming the host and the flag',
  async (host) => {
    for (const [, port, method, path, body] of routes()) {
      const answer = await request(port, host, method, path, body);
      expect({ path, status: answer.status }).toEqual({ path, status: 421 });
      const error = (JSON.parse(answer.body) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe('HS_MISDIRECTED');
      expect(error.message).toContain(host);
      expect(error.message).toContain('--public-host');
    }
  },
);

test.each<[string, (port: number) => string]>([
  ['localhost:port', (port) => `localhost:${port}`],
  ['127.0.0.1:port', (port) => `127.0.0.1:${port}`],
  ['[::1]:port', (port) => `[::1]:${port}`],
  ['127.0.0.2:port', (port) => `127.0.0.2:${port}`],
  ['localhost', () => 'localhost'],
  ['a --public-host name with the port', (port) => `${PUBLIC}:${port}`],
  ['a --public-host name in capitals', () => PUBLIC.toUpperCase()],
])('Host %s is served on every route', async (_label, hostFor) => {
  for (const [name, port, method, path, body] of routes()) {
    const answer = await request(port, hostFor(port), method, path, body);
    expect({ name, status: answer.status }).toEqual({ name, status: 200 });
  }
});

test('an HTTP/1.0 request without Host is served', async () => {
  const socket = net.connect(server.ports.ui!, '127.0.0.1');
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (text += chunk));
  socket.write('GET /healthz HTTP/1.0\r\n\r\n');
  await new Promise((resolve) => socket.once('close', resolve));
  expect(text).toMatch(/^HTTP\/1\.1 200 /);
});

function exportSpans(exporter: OTLPTraceExporter, spans: ReadableSpan[]): Promise<number> {
  return new Promise((resolve) => exporter.export(spans, (result) => resolve(result.code)));
}

test('a real exporter pointed at localhost is served', async () => {
  const exporter = new OTLPTraceExporter({ url: `http://localhost:${server.ports.otlpHttp}/v1/traces` });
  expect(await exportSpans(exporter, makeSimpleTrace({ service: 'via-localhost' }))).toBe(0);
  await exporter.shutdown();
});

test('gRPC is not checked: a call with any :authority is served', async () => {
  const { error } = await grpcExport(server.grpcUrl, protobufRequest(makeSimpleTrace()), { 'grpc.default_authority': 'evil.example' });
  expect(error).toBeNull();
});
