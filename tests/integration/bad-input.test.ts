/**
 * Each kind of bad input gets its own status and a message that says what is
 * wrong; the server stays up and valid data sent in the same run is intact.
 */
import * as zlib from 'node:zlib';
import { status as GrpcCode } from '@grpc/grpc-js';
import { otlpTypes } from '../../collector/otlp/proto';
import { jsonRequest, makeTraces, protobufRequest } from '../support/spans';
import { grpcExport, post } from '../support/http';
import { queryRows, startTestServer, stopTestServer, type TestServer } from '../support/server';

const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };
const JSON_TYPE = { 'Content-Type': 'application/json' };

let server: TestServer;
let tracesUrl: string;
const validSpanIds: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ maxBodyBytes: 1024 * 1024, corsOrigins: ['http://app.test'] });
  tracesUrl = `${server.httpUrl}/v1/traces`;
});
afterAll(async () => {
  await stopTestServer(server);
});

/** Valid spans sent between the bad requests; all must be stored at the end. */
async function sendValid(): Promise<void> {
  const { spans } = makeTraces();
  const response = await post(tracesUrl, protobufRequest(spans), PROTOBUF);
  expect(response.status).toBe(200);
  validSpanIds.push(...spans.map((s) => s.spanContext().spanId));
}

function decodeStatus(body: Buffer): { code: number; message: string } {
  return otlpTypes().Status.toObject(otlpTypes().Status.decode(body)) as { code: number; message: string };
}

/**
 * `size` zero bytes as concatenated gzip members (gunzip reads them as one
 * stream), so the test never holds the inflated body either.
 */
function gzipBomb(size: number): Buffer {
  const member = zlib.gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });
  return Buffer.concat(Array.from({ length: size / (16 * 1024 * 1024) }, () => member));
}

describe('OTLP/HTTP', () => {
  beforeEach(sendValid);

  test('malformed protobuf: 400 with a google.rpc.Status saying why', async () => {
    const response = await post(tracesUrl, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), PROTOBUF);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/x-protobuf');
    const status = decodeStatus(response.body);
    expect(status.code).toBe(GrpcCode.INVALID_ARGUMENT);
    expect(status.message).toMatch(/not a valid ExportTraceServiceRequest protobuf/);
  });

  test('malformed JSON: 400 in JSON', async () => {
    const response = await post(tracesUrl, '{"resourceSpans": [', JSON_TYPE);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body.toString())).toEqual({ code: GrpcCode.INVALID_ARGUMENT, message: expect.stringMatching(/not valid JSON/) });
  });

  test('well-formed JSON of the wrong shape: 400 naming the field', async () => {
    const response = await post(tracesUrl, JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: 1 }] }] }] }), JSON_TYPE);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body.toString()).message).toBe('resourceSpans[0].scopeSpans[0].spans[0].name: expected a string');
  });

  test('a JSON array body: 400', async () => {
    const response = await post(tracesUrl, '[]', JSON_TYPE);
    expect(response.status).toBe(400);
  });

  test('unsupported content type: 415', async () => {
    const response = await post(tracesUrl, 'hello', { 'Content-Type': 'text/plain' });
    expect(response.status).toBe(415);
    expect(JSON.parse(response.body.toString()).message).toMatch(/unsupported Content-Type "text\/plain"/);
  });

  test('unsupported content encoding: 415', async () => {
    const response = await post(tracesUrl, jsonRequest(makeTraces().spans), { ...JSON_TYPE, 'Content-Encoding': 'compress' });
    expect(response.status).toBe(415);
  });

  test('a body that claims gzip but is not: 400', async () => {
    const response = await post(tracesUrl, 'not gzip at all', { ...JSON_TYPE, 'Content-Encoding': 'gzip' });
    expect(response.status).toBe(400);
  });

  test('a body over the limit: 413', async () => {
    const response = await post(tracesUrl, Buffer.alloc(2 * 1024 * 1024, 0x20), JSON_TYPE);
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body.toString()).message).toMatch(/larger than 1048576 bytes/);
  });

  test('a gzip bomb is refused with 413 without being inflated whole', async () => {
    const bomb = gzipBomb(512 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const before = process.memoryUsage().rss;
    const response = await post(tracesUrl, bomb, { ...PROTOBUF, 'Content-Encoding': 'gzip' });
    expect(response.status).toBe(413);
    // Inflated whole it would be 512 MiB; the limit stops it at 1 MiB.
    expect(process.memoryUsage().rss - before).toBeLessThan(128 * 1024 * 1024);
  });

  test('invalid ids inside a valid request: 200 with partial_success, the valid spans stored', async () => {
    const { spans } = makeTraces();
    const body = JSON.parse(jsonRequest(spans).toString()) as { resourceSpans: { scopeSpans: { spans: { traceId: string; spanId: string }[] }[] }[] };
    const first = body.resourceSpans[0]!.scopeSpans[0]!.spans;
    first[0]!.traceId = '00000000000000000000000000000000';
    first[1]!.spanId = 'abc';
    const response = await post(tracesUrl, JSON.stringify(body), JSON_TYPE);
    expect(response.status).toBe(200);
    const partial = JSON.parse(response.body.toString()).partialSuccess;
    expect(partial.rejectedSpans).toBe('2');
    expect(partial.errorMessage).toMatch(/trace id is not 16 bytes or is all zero \(first at resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\)/);
    expect(partial.errorMessage).toMatch(/span id is not 8 bytes/);
    const kept = body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.spanId))).filter((id) => id.length === 16);
    const stored = await queryRows<{ n: string }>(server.store.client, `SELECT count() AS n FROM ${server.config.database}.otel_traces WHERE SpanId IN {ids:Array(String)}`, { ids: kept });
    expect(Number(stored[0]!.n)).toBe(spans.length - 2);
  });

  test('partial_success in protobuf responses too', async () => {
    const request = otlpTypes().ExportTraceServiceRequest;
    const decoded = request.toObject(request.decode(protobufRequest(makeTraces().spans)), { bytes: Array }) as { resourceSpans: { scopeSpans: { spans: { endTimeUnixNano: number }[] }[] }[] };
    decoded.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.endTimeUnixNano = 1;
    const response = await post(tracesUrl, Buffer.from(request.encode(request.fromObject(decoded)).finish()), PROTOBUF);
    expect(response.status).toBe(200);
    const type = otlpTypes().ExportTraceServiceResponse;
    const body = type.toObject(type.decode(response.body), { longs: Number }) as { partialSuccess: { rejectedSpans: number; errorMessage: string } };
    expect(body.partialSuccess.rejectedSpans).toBe(1);
    expect(body.partialSuccess.errorMessage).toMatch(/end time is before start time/);
  });

  test('a fully accepted request has no partial_success', async () => {
    const response = await post(tracesUrl, jsonRequest(makeTraces().spans), JSON_TYPE);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body.toString())).toEqual({});
  });

  test('wrong paths: 404; wrong methods: 405 with Allow', async () => {
    expect((await post(`${server.httpUrl}/v1/metrics`, '{}', JSON_TYPE)).status).toBe(404);
    const get = await fetch(tracesUrl);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
  });

  test('CORS: configured origins may export from a browser, others get no CORS headers', async () => {
    const preflight = (origin: string): Promise<Response> =>
      fetch(tracesUrl, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
    const allowed = await preflight('http://app.test');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://app.test');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    const other = await preflight('http://evil.test');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const posted = await post(tracesUrl, jsonRequest(makeTraces().spans), { ...JSON_TYPE, Origin: 'http://app.test' });
    expect(posted.headers.get('access-control-allow-origin')).toBe('http://app.test');
  });
});

describe('OTLP/gRPC', () => {
  beforeEach(sendValid);

  test('malformed bytes: INVALID_ARGUMENT', async () => {
    const { error } = await grpcExport(server.grpcUrl, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]));
    expect(error?.code).toBe(GrpcCode.INVALID_ARGUMENT);
    expect(error?.details).toMatch(/not a valid ExportTraceServiceRequest/);
  });

  test('a message over the limit: RESOURCE_EXHAUSTED', async () => {
    const { error } = await grpcExport(server.grpcUrl, Buffer.alloc(2 * 1024 * 1024));
    expect(error?.code).toBe(GrpcCode.RESOURCE_EXHAUSTED);
  });

  test('invalid spans: OK with partial_success', async () => {
    const request = otlpTypes().ExportTraceServiceRequest;
    const decoded = request.toObject(request.decode(protobufRequest(makeTraces().spans)), { bytes: Array }) as { resourceSpans: { scopeSpans: { spans: { traceId: number[] }[] }[] }[] };
    decoded.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId = [1, 2, 3];
    const { error, response } = await grpcExport(server.grpcUrl, Buffer.from(request.encode(request.fromObject(decoded)).finish()));
    expect(error).toBeNull();
    const type = otlpTypes().ExportTraceServiceResponse;
    const body = type.toObject(type.decode(response!), { longs: Number }) as { partialSuccess: { rejectedSpans: number } };
    expect(body.partialSuccess.rejectedSpans).toBe(1);
  });
});

test('after all of it the server is up and every valid span is stored', async () => {
  const health = await fetch(`${server.httpUrl}/healthz`);
  expect(health.status).toBe(200);
  const stored = await queryRows<{ n: string }>(server.store.client, `SELECT count() AS n FROM ${server.config.database}.otel_traces WHERE SpanId IN {ids:Array(String)}`, { ids: validSpanIds });
  expect(validSpanIds.length).toBeGreaterThan(50);
  expect(Number(stored[0]!.n)).toBe(validSpanIds.length);
});
