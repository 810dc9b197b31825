/**
 * With a tiny write queue, concurrent senders are refused with 429 /
 * RESOURCE_EXHAUSTED and Retry-After; retrying, every span is stored exactly once.
 */
import { status as GrpcCode } from '@grpc/grpc-js';
import { makeTraces, protobufRequest } from '../support/spans';
import { grpcExport, post } from '../support/http';
import { queryRows, startTestServer, stopTestServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
  // Each request holds 6 spans: the queue admits two requests at a time.
  server = await startTestServer({ queueMaxSpans: 12, batchMaxAgeMs: 50, insertConcurrency: 1 });
});
afterAll(async () => {
  await stopTestServer(server);
});

interface Sent {
  spanIds: string[];
  refusals: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends one request until it is accepted, as an exporter with retries would. */
async function sendUntilAccepted(send: (body: Buffer) => Promise<'accepted' | 'refused'>): Promise<Sent> {
  const { spans } = makeTraces();
  const body = protobufRequest(spans);
  let refusals = 0;
  while ((await send(body)) === 'refused') {
    refusals++;
    await sleep(10 + Math.random() * 40);
  }
  return { spanIds: spans.map((s) => s.spanContext().spanId), refusals };
}

async function storedOnce(spanIds: string[]): Promise<void> {
  const rows = await queryRows<{ SpanId: string; n: string }>(
    server.store.client,
    `SELECT SpanId, count() AS n FROM ${server.config.database}.otel_traces WHERE SpanId IN {ids:Array(String)} GROUP BY SpanId`,
    { ids: spanIds },
  );
  expect(rows).toHaveLength(spanIds.length);
  expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
}

test('HTTP senders get 429 with Retry-After, and every span is stored exactly once', async () => {
  const retryAfter: string[] = [];
  const sendHttp = async (body: Buffer): Promise<'accepted' | 'refused'> => {
    const response = await post(`${server.httpUrl}/v1/traces`, body, { 'Content-Type': 'application/x-protobuf' });
    if (response.status === 429) {
      retryAfter.push(response.headers.get('retry-after') ?? '');
      return 'refused';
    }
    expect(response.status).toBe(200);
    return 'accepted';
  };
  const sent = await Promise.all(Array.from({ length: 40 }, () => sendUntilAccepted(sendHttp)));
  expect(sent.reduce((n, s) => n + s.refusals, 0)).toBeGreaterThan(0);
  expect(retryAfter.every((v) => /^\d+$/.test(v))).toBe(true);
  await storedOnce(sent.flatMap((s) => s.spanIds));
});

test('gRPC senders get RESOURCE_EXHAUSTED, and every span is stored exactly once', async () => {
  const sendGrpc = async (body: Buffer): Promise<'accepted' | 'refused'> => {
    const { error } = await grpcExport(server.grpcUrl, body);
    if (error?.code === GrpcCode.RESOURCE_EXHAUSTED) return 'refused';
    expect(error).toBeNull();
    return 'accepted';
  };
  const sent = await Promise.all(Array.from({ length: 40 }, () => sendUntilAccepted(sendGrpc)));
  expect(sent.reduce((n, s) => n + s.refusals, 0)).toBeGreaterThan(0);
  await storedOnce(sent.flatMap((s) => s.spanIds));
});

test('refusals are counted in /metrics', async () => {
  const text = await (await fetch(`${server.uiUrl}/metrics`)).text();
  expect(text).toMatch(/hindsight_spans_refused_total\{transport="http",reason="HS_QUEUE_FULL"\} [1-9]/);
  expect(text).toMatch(/hindsight_export_requests_total\{transport="grpc",status="RESOURCE_EXHAUSTED"\} [1-9]/);
  expect(text).toMatch(/hindsight_queue_spans 0/);
});
