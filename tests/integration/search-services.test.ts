/**
 * The native search's repeated `service`: traces with spans of every service named, as the
 * dependency map asks when an edge is clicked (the caller and its callee). Each service's spans
 * are sent by the real exporter in an insert of their own, as separate services' SDKs send them,
 * so a trace's services sit in different summary rows until those merge.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ApiError, TraceSearchResponse } from '../../viewer/api/types';
import { makeShapedTrace } from '../support/spans';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

let server: TestServer;
const ids: Record<string, string> = {};

async function send(spans: ReadableSpan[]): Promise<void> {
  const exporter = new OTLPTraceExporter({ url: `${server.httpUrl}/v1/traces` });
  await new Promise<void>((resolve, reject) => exporter.export(spans, (r) => (r.code === 0 ? resolve() : reject(r.error))));
  await exporter.shutdown();
}

beforeAll(async () => {
  server = await startTestServer();
  const now = Date.now();
  const traces = {
    webCart: makeShapedTrace(
      [
        { service: 'web', name: 'GET /cart', startMs: 0, durationMs: 40 },
        { service: 'cart', name: 'cart.get', parent: 0, startMs: 5, durationMs: 20 },
      ],
      now - 90_000,
    ),
    webPayments: makeShapedTrace(
      [
        { service: 'web', name: 'POST /pay', startMs: 0, durationMs: 40 },
        { service: 'payments', name: 'charge', parent: 0, startMs: 5, durationMs: 20 },
      ],
      now - 80_000,
    ),
    cartAlone: makeShapedTrace([{ service: 'cart', name: 'cart.sweep', startMs: 0, durationMs: 10 }], now - 70_000),
  };
  for (const [name, spans] of Object.entries(traces)) {
    ids[name] = spans[0]!.spanContext().traceId;
    for (const service of new Set(spans.map((s) => s.resource.attributes['service.name']))) {
      await send(spans.filter((s) => s.resource.attributes['service.name'] === service));
    }
  }
});
afterAll(async () => {
  await stopTestServer(server);
});

async function search(query: string): Promise<{ status: number; body: TraceSearchResponse & ApiError }> {
  const response = await fetch(`${server.uiUrl}/api/v1/traces?lookback=1h&${query}`);
  return { status: response.status, body: (await response.json()) as TraceSearchResponse & ApiError };
}

test.each([
  ['service=web', ['webCart', 'webPayments']],
  ['service=web&service=cart', ['webCart']],
  ['service=cart&service=web', ['webCart']],
  ['service=web&service=payments', ['webPayments']],
  ['service=web&service=web', ['webCart', 'webPayments']],
  ['service=web&service=cart&service=payments', []],
  ['service=web&service=nowhere', []],
  // The first service goes with the operation, the others by the trace.
  ['service=web&operation=GET%20%2Fcart&service=cart', ['webCart']],
  ['service=cart&operation=cart.sweep&service=web', []],
  // A filter about single spans takes the other path (candidates from spans): the same answer.
  ['service=web&service=cart&minDuration=1ms', ['webCart']],
  ['service=cart&service=web&minDuration=30ms', []],
  ['service=web&service=cart&sort=slowest', ['webCart']],
])('%s', async (query, expected) => {
  const { status, body } = await search(query);
  expect(status).toBe(200);
  expect(body.traces.map((t) => t.traceId).sort()).toEqual(expected.map((name) => ids[name]!).sort());
});

test('more than 20 services is a 400 naming the parameter', async () => {
  const { status, body } = await search(Array.from({ length: 21 }, (_, i) => `service=s${i}`).join('&'));
  expect(status).toBe(400);
  expect(body.error.parameter).toBe('service');
  expect(body.error.message).toContain('at most 20');
});
