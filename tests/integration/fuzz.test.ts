/**
 * 5,000 mutated bodies over HTTP and gRPC to a real server: the only answers are
 * 200, 400, 413 or 415 (gRPC: OK, INVALID_ARGUMENT, RESOURCE_EXHAUSTED), the server
 * stays up, and memory stays bounded.
 */
import { status as GrpcCode } from '@grpc/grpc-js';
import { jsonRequest, makeTraces, protobufRequest } from '../support/spans';
import { grpcExport, post } from '../support/http';
import { mulberry32, mutate } from '../support/mutate';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ dependencyIntervalMs: 0, maxBodyBytes: 64 * 1024 });
});
afterAll(async () => {
  await stopTestServer(server);
});

test('4,000 mutated bodies over HTTP (protobuf, JSON, gzip headers): only 200, 400, 413 and 415', async () => {
  const random = mulberry32(3);
  const seeds = [protobufRequest(makeTraces().spans), jsonRequest(makeTraces().spans)];
  const types = ['application/x-protobuf', 'application/json', 'text/plain'];
  const statuses = new Map<number, number>();
  const rssBefore = process.memoryUsage().rss;
  // Sixteen in flight at all times, as many exporters would: a slow answer holds up only its own slot.
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < 4000) {
      const i = next++;
      const seed = seeds[i % 2]!;
      const body = random() < 0.05 ? Buffer.alloc(100 * 1024, 0x41) : mutate(seed, random);
      const headers: Record<string, string> = { 'Content-Type': types[i % 2 === 0 ? 0 : random() < 0.97 ? 1 : 2]! };
      if (random() < 0.05) headers['Content-Encoding'] = 'gzip';
      const r = await post(`${server.httpUrl}/v1/traces`, body, headers);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  expect([...statuses.keys()].every((s) => [200, 400, 413, 415].includes(s))).toBe(true);
  expect(statuses.get(200)).toBeGreaterThan(0);
  expect(statuses.get(400)).toBeGreaterThan(0);
  expect(process.memoryUsage().rss - rssBefore).toBeLessThan(300 * 1024 * 1024);
  expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);
  // A guard against a hang, not a speed limit: 4,000 requests take 30 s alone, and more on a shared machine.
}, 180_000);

test('1,000 mutated messages over gRPC: only OK, INVALID_ARGUMENT and RESOURCE_EXHAUSTED', async () => {
  const random = mulberry32(5);
  const seed = protobufRequest(makeTraces().spans);
  const codes = new Map<number, number>();
  for (let i = 0; i < 1000; i += 10) {
    const results = await Promise.all(Array.from({ length: 10 }, () => grpcExport(server.grpcUrl, mutate(seed, random))));
    for (const r of results) {
      const code = r.error?.code ?? GrpcCode.OK;
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
  }
  expect([...codes.keys()].every((c) => [GrpcCode.OK, GrpcCode.INVALID_ARGUMENT, GrpcCode.RESOURCE_EXHAUSTED].includes(c))).toBe(true);
  expect(codes.get(GrpcCode.INVALID_ARGUMENT)).toBeGreaterThan(0);
});
