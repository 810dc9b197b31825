/**
 * The native search's attribute filters: `key>N`, `key>=N`, `key<N`, `key<=N` compare the
 * stored text as numbers, and a filter the parser cannot read is a 400 naming it, never an
 * empty answer; an equality matches the span's attributes or its resource's, read once per
 * place (span-matches.sql), whichever filter comes first. Spans sent by the real
 * OpenTelemetry exporter.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ApiError, TraceSearchResponse } from '../../viewer/api/types';
import { makeSimpleTrace } from '../support/spans';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

let server: TestServer;
const ids: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  const now = Date.now();
  const amounts: Record<string, number | string> = { small: 120, exact: 300, large: 420.5, huge: 1e6, text: 'n/a' };
  const spans: ReadableSpan[] = [];
  for (const [name, amount] of Object.entries(amounts)) {
    const trace = makeSimpleTrace({ service: 'pay', name, startMs: now - 60_000, attributes: { 'app.payment.amount_usd': amount } });
    ids[name] = trace[0]!.spanContext().traceId;
    spans.push(...trace);
  }
  const places: Record<string, { resource?: Record<string, string>; attributes: Record<string, string | number> }> = {
    'eu resource, 500': { resource: { region: 'eu' }, attributes: { amount: 500 } },
    'us resource, 500': { resource: { region: 'us' }, attributes: { amount: 500 } },
    'eu on the span, 50': { attributes: { region: 'eu', amount: 50 } },
  };
  for (const [name, o] of Object.entries(places)) {
    const trace = makeSimpleTrace({ service: 'geo', name, startMs: now - 60_000, ...o });
    ids[name] = trace[0]!.spanContext().traceId;
    spans.push(...trace);
  }
  const exporter = new OTLPTraceExporter({ url: `${server.httpUrl}/v1/traces` });
  await new Promise<void>((resolve, reject) => exporter.export(spans, (r) => (r.code === 0 ? resolve() : reject(r.error))));
  await exporter.shutdown();
});
afterAll(async () => {
  await stopTestServer(server);
});

async function search(filter: string): Promise<{ status: number; body: TraceSearchResponse & ApiError }> {
  const response = await fetch(`${server.uiUrl}/api/v1/traces?service=pay&attr=${encodeURIComponent(filter)}`);
  return { status: response.status, body: (await response.json()) as TraceSearchResponse & ApiError };
}

test.each([
  ['app.payment.amount_usd>300', ['large', 'huge']],
  ['app.payment.amount_usd>=300', ['exact', 'large', 'huge']],
  ['app.payment.amount_usd<300', ['small']],
  ['app.payment.amount_usd<=300', ['small', 'exact']],
  ['app.payment.amount_usd>420.25', ['large', 'huge']],
  ['app.payment.amount_usd<1e3', ['small', 'exact', 'large']],
  ['app.payment.amount_usd>-5', ['small', 'exact', 'large', 'huge']],
  // Text is no number: the span with "n/a" matches no comparison, only equality.
  ['app.payment.amount_usd=n/a', ['text']],
])('%s compares as numbers', async (filter, expected) => {
  const { status, body } = await search(filter);
  expect(status).toBe(200);
  expect(body.traces.map((t) => t.traceId).sort()).toEqual(expected.map((name) => ids[name]!).sort());
});

test.each([
  ['app.payment.amount_usd>', 'is not a number'],
  ['app.payment.amount_usd>lots', 'is not a number'],
  ['app.payment.amount_usd>=1,000', 'is not a number'],
  ['app.payment.amount_usd<NaN', 'is not a number'],
  ['>300', 'is not a filter'],
  ['=x', 'is not a filter'],
])('%s is a 400 naming the filter', async (filter, why) => {
  const { status, body } = await search(filter);
  expect(status).toBe(400);
  expect(body.error.code).toBe('HS_BAD_PARAMETER');
  expect(body.error.parameter).toBe('attr');
  expect(body.error.message).toContain(`"${filter}"`);
  expect(body.error.message).toContain(why);
});

test.each([
  [['region=eu'], ['eu resource, 500', 'eu on the span, 50']],
  [['region=eu', 'amount>100'], ['eu resource, 500']],
  [['amount>100', 'region=eu'], ['eu resource, 500']],
  [['region=eu', 'amount=50'], ['eu on the span, 50']],
  [['amount=500', 'region=us'], ['us resource, 500']],
  [['region=us', 'amount=50'], []],
  [['region=eu', 'region!=eu'], []],
])('%j: an equality on the span or its resource, with the other filters on the same span', async (filters, expected) => {
  const response = await fetch(`${server.uiUrl}/api/v1/traces?service=geo&${filters.map((f) => `attr=${encodeURIComponent(f)}`).join('&')}`);
  const body = (await response.json()) as TraceSearchResponse;
  expect(body.traces.map((t) => t.traceId).sort()).toEqual(expected.map((name) => ids[name]!).sort());
});
