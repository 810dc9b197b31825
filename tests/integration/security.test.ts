/**
 * Access control and TLS: ingest tokens on both OTLP transports, a token or HTTP
 * Basic on the viewer's APIs, rate-limited failures, security headers, and every
 * port over TLS with a certificate the test makes itself.
 */
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as grpc from '@grpc/grpc-js';
import bcrypt from 'bcryptjs';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { makeTraces, protobufRequest } from '../support/spans';
import { grpcExport, post } from '../support/http';
import { selfSignedCertificate } from '../support/tls';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('tokens', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ingestTokens: ['ingest-one', 'ingest-two'], uiToken: 'viewer-secret', uiBasicAuth: `admin:${bcrypt.hashSync('correct horse', 4)}` });
  });
  afterAll(async () => {
    await stopTestServer(server);
  });

  test('OTLP/HTTP needs an ingest token: 401 with WWW-Authenticate, then 200', async () => {
    const body = protobufRequest(makeTraces().spans);
    const missing = await post(`${server.httpUrl}/v1/traces`, body, PROTOBUF);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="hindsight"');
    expect((await post(`${server.httpUrl}/v1/traces`, body, { ...PROTOBUF, Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post(`${server.httpUrl}/v1/traces`, body, { ...PROTOBUF, Authorization: 'Bearer ingest-two' })).status).toBe(200);
  });

  test('the real exporter sends its token as a header', async () => {
    const exporter = new OTLPTraceExporter({ url: `${server.httpUrl}/v1/traces`, headers: { Authorization: 'Bearer ingest-one' } });
    const result = await new Promise<{ code: number }>((resolve) => exporter.export(makeTraces().spans, resolve));
    await exporter.shutdown();
    expect(result.code).toBe(0);
  });

  test('OTLP/gRPC needs it in metadata: UNAUTHENTICATED, then OK', async () => {
    const body = protobufRequest(makeTraces().spans);
    expect((await grpcExport(server.grpcUrl, body)).error?.code).toBe(grpc.status.UNAUTHENTICATED);
    expect((await grpcExport(server.grpcUrl, body, {}, { metadata: { authorization: 'Bearer ingest-one' } })).error).toBeNull();
  });

  test('the viewer API takes the viewer token or HTTP Basic (as Grafana sends it); the app itself is public', async () => {
    const api = `${server.uiUrl}/api/v1/services`;
    const missing = await fetch(api);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('Basic realm="hindsight"');
    expect((await fetch(api, { headers: { Authorization: 'Bearer viewer-secret' } })).status).toBe(200);
    expect((await fetch(api, { headers: { Authorization: 'Bearer ingest-one' } })).status).toBe(401);
    expect((await fetch(`${server.uiUrl}/api/services`, { headers: { Authorization: basic('admin', 'correct horse') } })).status).toBe(200);
    expect((await fetch(`${server.uiUrl}/api/services`, { headers: { Authorization: basic('admin', 'wrong') } })).status).toBe(401);
    expect((await fetch(`${server.uiUrl}/api/v1/sql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"query":"SELECT 1"}' })).status).toBe(401);
    // The viewer asks for a bearer challenge so that the browser shows the app's sign-in, not its own dialog.
    expect((await fetch(api, { headers: { 'X-Hindsight-Client': 'viewer' } })).headers.get('www-authenticate')).toBe('Bearer realm="hindsight"');
    expect((await fetch(`${server.uiUrl}/search`)).status).toBe(200);
    expect((await fetch(`${server.uiUrl}/healthz`)).status).toBe(200);
  });

  test('viewer responses carry the security headers', async () => {
    const response = await fetch(`${server.uiUrl}/search`);
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });
});

test('failed attempts are rate-limited per address; a correct token is still served (see auth-throttle.test.ts)', async () => {
  const server = await startTestServer({ ingestTokens: ['right'] });
  try {
    const body = protobufRequest(makeTraces().spans);
    for (let i = 0; i < 10; i++) expect((await post(`${server.httpUrl}/v1/traces`, body, { ...PROTOBUF, Authorization: `Bearer guess-${i}` })).status).toBe(401);
    const blocked = await post(`${server.httpUrl}/v1/traces`, body, { ...PROTOBUF, Authorization: 'Bearer guess-10' });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe('60');
    expect((await post(`${server.httpUrl}/v1/traces`, body, { ...PROTOBUF, Authorization: 'Bearer right' })).status).toBe(200);
  } finally {
    await stopTestServer(server);
  }
});

describe('TLS', () => {
  let dir: string;
  let server: TestServer;
  let ca: Buffer;
  beforeAll(async () => {
    const certificate = selfSignedCertificate('hindsight-tls-');
    dir = certificate.dir;
    ca = fs.readFileSync(certificate.cert);
    server = await startTestServer({ tlsCert: certificate.cert, tlsKey: certificate.key });
  });
  afterAll(async () => {
    await stopTestServer(server);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function httpsRequest(url: string, method: string, body?: Buffer): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = https.request(url, { method, ca, headers: body ? PROTOBUF : {} }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  test('OTLP/HTTP and the viewer answer over HTTPS, and not in plain HTTP', async () => {
    const https1 = server.httpUrl.replace('http:', 'https:');
    expect(await httpsRequest(`${https1}/v1/traces`, 'POST', protobufRequest(makeTraces().spans))).toBe(200);
    expect(await httpsRequest(`${server.uiUrl.replace('http:', 'https:')}/readyz`, 'GET')).toBe(200);
    await expect(fetch(`${server.uiUrl}/readyz`)).rejects.toThrow();
  });

  test('OTLP/gRPC answers over TLS', async () => {
    const { error } = await grpcExport(server.grpcUrl, protobufRequest(makeTraces().spans), {}, { credentials: grpc.credentials.createSsl(ca) });
    expect(error).toBeNull();
  });
});
