/**
 * The CLI's and TUI's API client (cmd/api-client.ts) against a real server: each
 * method answers its route's type, the credential goes with every request, and
 * every kind of refusal (native, Jaeger, SQL, auth) becomes one ApiRequestError.
 */
import { ApiClient, ApiRequestError } from '../../cmd/api-client';
import { makeSimpleTrace, protobufRequest } from '../support/spans';
import { post } from '../support/http';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

let server: TestServer;
let api: ApiClient;
const slow = makeSimpleTrace({ service: 'client-api', name: 'GET /slow', durationMs: 900, attributes: { 'user.id': 'u-9' }, children: 2 });
const failing = makeSimpleTrace({ service: 'client-api', name: 'POST /pay', durationMs: 20, error: true, children: 1 });
const slowId = slow[0]!.spanContext().traceId;
const failingId = failing[0]!.spanContext().traceId;

beforeAll(async () => {
  server = await startTestServer({ uiToken: 'view' });
  const response = await post(`${server.httpUrl}/v1/traces`, protobufRequest([...slow, ...failing]), { 'Content-Type': 'application/x-protobuf' });
  expect(response.status).toBe(200);
  // A trailing slash, as people paste URLs.
  api = new ApiClient(`${server.uiUrl}/`, { Authorization: 'Bearer view' });
});

afterAll(async () => {
  await stopTestServer(server);
});

test('services', async () => {
  const { services } = await api.services({ lookback: '1h' });
  expect(services.find((s) => s.name === 'client-api')).toEqual({ name: 'client-api', spanCount: 2, errorCount: 1, errorRate: 0.5 });
});

test('searchTraces sends every filter: attributes, durations, status, sort, limit', async () => {
  const bySlow = await api.searchTraces({ service: 'client-api', attr: ['user.id=u-9'], minDuration: '500ms', lookback: '1h' });
  expect(bySlow.traces.map((t) => t.traceId)).toEqual([slowId]);
  const failed = await api.searchTraces({ status: 'error', sort: 'slowest', limit: '5', lookback: '1h' });
  expect(failed.traces.map((t) => t.traceId)).toEqual([failingId]);
  expect(failed.limit).toBe(5);
  const both = await api.searchTraces({ service: 'client-api', sort: 'slowest', maxDuration: '2s', operation: '', attr: [] });
  expect(both.traces.map((t) => t.traceId)).toEqual([slowId, failingId]);
});

test('trace, and the same trace as OTLP/JSON and Jaeger JSON', async () => {
  const trace = await api.trace(failingId);
  expect(trace.traceId).toBe(failingId);
  expect(trace.spans.map((s) => s.statusCode).sort()).toEqual(['Error', 'Error']);
  const otlp = (await api.otlpTrace(failingId)) as { resourceSpans: unknown[] };
  expect(otlp.resourceSpans).toHaveLength(2);
  const jaeger = await api.jaegerTrace(failingId);
  expect(jaeger.data[0]!.traceID).toBe(failingId);
  expect(jaeger.data[0]!.spans).toHaveLength(2);
});

test('sql answers the format asked for', async () => {
  const query = "SELECT count() AS n FROM otel_traces WHERE ServiceName = 'client-api'";
  expect(await api.sql(query, 'csv')).toBe('"n"\n2\n');
  expect((JSON.parse(await api.sql(query, 'json')) as { data: { n: string | number }[] }).data.map((r) => Number(r.n))).toEqual([2]);
});

async function refusal(call: Promise<unknown>): Promise<ApiRequestError> {
  const err: unknown = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiRequestError);
  return err as ApiRequestError;
}

describe('refusals become an ApiRequestError with what the server said', () => {
  test('a bad parameter names it', async () => {
    const err = await refusal(api.searchTraces({ status: 'broken' as 'error' }));
    expect(err).toMatchObject({ status: 400, code: 'HS_BAD_PARAMETER', parameter: 'status' });
    expect(err.message).toContain('expected one of ok, error, unset');
  });

  test('an unknown trace, natively and from the Jaeger API', async () => {
    expect(await refusal(api.trace('ab'.repeat(16)))).toMatchObject({ status: 404, message: expect.stringContaining('not found') });
    expect(await refusal(api.jaegerTrace('ab'.repeat(16)))).toMatchObject({ status: 404, message: expect.stringContaining('not found') });
  });

  test('a refused statement, and a failed query with ClickHouse code', async () => {
    const refused = await refusal(api.sql('DROP TABLE otel_traces', 'json'));
    expect(refused.message).toContain('only SELECT, WITH, SHOW, DESCRIBE and EXPLAIN statements may run here');
    expect(refused.clickhouseCode).toBeUndefined();
    const failed = await refusal(api.sql('SELECT no_such_column FROM otel_traces', 'json'));
    expect(failed.clickhouseCode).toMatch(/^\d+$/);
  });

  test('without the credential', async () => {
    const anonymous = new ApiClient(server.uiUrl);
    expect((await refusal(anonymous.services())).status).toBe(401);
  });
});

test('an aborted request rejects as an abort', async () => {
  const controller = new AbortController();
  controller.abort();
  await expect(api.services({}, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
});
