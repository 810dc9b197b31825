/**
 * A request is stored once however often it is sent: a retry after the answer was
 * lost, and the same request sent twice at once, over HTTP and gRPC.
 */
import { makeSimpleTrace, protobufRequest, jsonRequest } from '../support/spans';
import { grpcExport, post } from '../support/http';
import { queryRows, startTestServer, stopTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ batchMaxAgeMs: 200 });
});
afterAll(async () => {
  await stopTestServer(server);
});

async function copies(traceId: string): Promise<number> {
  const rows = await queryRows<{ n: string }>(server.store.client, `SELECT count() AS n FROM ${server.config.database}.otel_traces WHERE TraceId = {id:String}`, { id: traceId });
  return Number(rows[0]?.n);
}

async function duplicates(): Promise<number> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  return Number(/^hindsight_duplicate_requests_total (\d+)$/m.exec(text)?.[1]);
}

test.each([
  ['protobuf', 'application/x-protobuf', protobufRequest],
  ['JSON', 'application/json', jsonRequest],
])('an OTLP/HTTP %s request sent again is acknowledged and stored once', async (_name, type, encode) => {
  const spans = makeSimpleTrace({ children: 4 });
  const body = encode(spans);
  const before = await duplicates();
  for (let i = 0; i < 3; i++) expect((await post(`${server.httpUrl}/v1/traces`, body, { 'Content-Type': type })).status).toBe(200);
  expect(await copies(spans[0]!.spanContext().traceId)).toBe(5);
  expect((await duplicates()) - before).toBe(2);
});

test('the same request sent twice at once joins one write; over gRPC as well', async () => {
  const spans = makeSimpleTrace({ children: 2 });
  const body = protobufRequest(spans);
  const [a, b, c] = await Promise.all([
    post(`${server.httpUrl}/v1/traces`, body, { 'Content-Type': 'application/x-protobuf' }),
    post(`${server.httpUrl}/v1/traces`, body, { 'Content-Type': 'application/x-protobuf' }),
    grpcExport(server.grpcUrl, body),
  ]);
  expect([a.status, b.status, c.error]).toEqual([200, 200, null]);
  expect(await copies(spans[0]!.spanContext().traceId)).toBe(3);
});

test('requests that differ in a single span are both stored', async () => {
  const first = makeSimpleTrace({ children: 1 });
  const second = makeSimpleTrace({ children: 1 });
  await post(`${server.httpUrl}/v1/traces`, protobufRequest(first), { 'Content-Type': 'application/x-protobuf' });
  await post(`${server.httpUrl}/v1/traces`, protobufRequest([...first.slice(0, 1), ...second]), { 'Content-Type': 'application/x-protobuf' });
  // The root of `first` arrives twice inside two different requests: at-least-once there, as OTLP allows.
  expect(await copies(first[0]!.spanContext().traceId)).toBe(3);
  expect(await copies(second[0]!.spanContext().traceId)).toBe(2);
});
