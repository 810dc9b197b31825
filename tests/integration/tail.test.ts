/**
 * GET /api/v1/tail over real servers on real chDB: spans the OpenTelemetry SDK's own
 * exporter sends reach a subscriber once stored; the filters hold; a fast stream
 * samples and still accounts for every span; a client that stops reading is dropped
 * while the server's memory stays bounded; the polled source (several collectors)
 * delivers too. No assertion is about time: a test waits for arrival, and jest's
 * timeout is the failure (the delivery latency is measured in tests/bench/tail.js).
 */
import * as http from 'node:http';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ApiClient, ApiRequestError, type TailQuery } from '../../cmd/api-client';
import type { TailHello, TailSpan } from '../../viewer/api/types';
import { MAX_UNSENT_BYTES } from '../../viewer/api/routes/tail';
import { makeSimpleTrace, protobufRequest } from '../support/spans';
import { post } from '../support/http';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

jest.setTimeout(60_000);

function exportSpans(server: TestServer, spans: ReadableSpan[]): Promise<void> {
  const exporter = new ProtoExporter({ url: `${server.httpUrl}/v1/traces` });
  return new Promise<void>((resolve, reject) => {
    exporter.export(spans, (result) => (result.code === 0 ? resolve() : reject(result.error ?? new Error(`export failed: ${result.code}`))));
  }).finally(() => exporter.shutdown());
}

/** A tail subscriber collecting every event until stopped. */
class Tail {
  readonly spans: TailSpan[] = [];
  hello: TailHello | undefined;
  readonly done: Promise<void>;
  private readonly abort = new AbortController();
  private waiters: (() => void)[] = [];

  constructor(api: ApiClient, query: TailQuery) {
    this.done = api
      .tail(
        query,
        (event) => {
          if (event.type === 'hello') this.hello = event.hello;
          if (event.type === 'span') this.spans.push(event.span);
          for (const wake of this.waiters.splice(0)) wake();
        },
        { signal: this.abort.signal },
      )
      .catch((err: unknown) => {
        if (!this.abort.signal.aborted) throw err;
      });
  }

  /** Resolves once `done` holds for what has arrived. */
  async until(done: (t: Tail) => boolean): Promise<void> {
    while (!done(this)) {
      await Promise.race([new Promise<void>((resolve) => this.waiters.push(resolve)), this.done]);
      if (!done(this)) await new Promise((r) => setImmediate(r));
    }
  }

  represented(): number {
    return this.spans.reduce((n, s) => n + s.represents, 0);
  }

  stop(): Promise<void> {
    this.abort.abort();
    return this.done;
  }
}

async function opened(tail: Tail): Promise<Tail> {
  await tail.until((t) => t.hello !== undefined);
  return tail;
}

describe('fed by the writer (embedded storage)', () => {
  let server: TestServer;
  let api: ApiClient;
  beforeAll(async () => {
    server = await startTestServer();
    api = new ApiClient(server.uiUrl);
  });
  afterAll(async () => {
    await stopTestServer(server);
  });

  test("spans sent by the SDK's exporter reach a subscriber, each once, once stored", async () => {
    const tail = await opened(new Tail(api, {}));
    expect(tail.hello).toEqual({ source: 'writer', delayMs: 0, maxRate: 100 });
    const spans = makeSimpleTrace({ service: 'tail-arrival', name: 'GET /cart', children: 3, startMs: Date.now(), attributes: { 'http.route': '/cart' } });
    const ids = spans.map((s) => s.spanContext().spanId).sort();
    await exportSpans(server, spans);
    await tail.until((t) => t.spans.length >= ids.length);
    await tail.stop();
    expect(tail.spans.map((s) => s.spanId).sort()).toEqual(ids);
    const root = spans.find((s) => s.name === 'GET /cart')!;
    const event = tail.spans.find((s) => s.spanId === root.spanContext().spanId)!;
    expect(event).toEqual({
      traceId: root.spanContext().traceId,
      spanId: root.spanContext().spanId,
      service: 'tail-arrival',
      name: 'GET /cart',
      kind: 'Server',
      startNs: expect.stringMatching(/^\d{19}$/),
      durationNs: '100000000',
      statusCode: 'Unset',
      attributes: {},
      represents: 1,
    });
    // Stored before sent: each span the tail named is in the store.
    const stored = await server.store.client.query({
      query: `SELECT count() AS n FROM ${server.config.database}.otel_traces WHERE SpanId IN {ids:Array(String)}`,
      query_params: { ids },
      format: 'JSONEachRow',
    });
    expect((await stored.json<{ n: number | string }>()).map((r) => Number(r.n))).toEqual([ids.length]);
  });

  test('each filter holds: service, operation, attr (with a numeric comparison), status, minDuration', async () => {
    const query: TailQuery = { service: 'tail-filters', operation: 'POST /pay', attr: ['app.amount>300', 'region'], status: 'error', minDuration: '50ms' };
    const filtered = await opened(new Tail(api, query));
    const all = await opened(new Tail(api, { service: 'tail-filters' }));
    const start = Date.now();
    const base = { service: 'tail-filters', name: 'POST /pay', startMs: start, durationMs: 80, error: true, attributes: { 'app.amount': 450, region: 'eu-west' } };
    const matching = [makeSimpleTrace(base), makeSimpleTrace({ ...base, attributes: { 'app.amount': '301.5' }, resource: { region: 'us-east' } })];
    const missing = [
      makeSimpleTrace({ ...base, service: 'tail-filters-other' }),
      makeSimpleTrace({ ...base, name: 'GET /pay' }),
      makeSimpleTrace({ ...base, attributes: { 'app.amount': 300, region: 'eu' } }),
      makeSimpleTrace({ ...base, attributes: { 'app.amount': 'lots', region: 'eu' } }),
      makeSimpleTrace({ ...base, attributes: { 'app.amount': 900 } }),
      makeSimpleTrace({ ...base, error: false }),
      makeSimpleTrace({ ...base, durationMs: 20 }),
    ];
    // One request: its spans are judged together, so once `all` has seen them, `filtered` has been offered each.
    await exportSpans(server, [...missing, ...matching].flat());
    await all.until((t) => t.spans.length >= 8);
    await filtered.until((t) => t.spans.length >= 2);
    await Promise.all([all.stop(), filtered.stop()]);
    expect(filtered.spans.map((s) => s.spanId).sort()).toEqual(matching.map((m) => m[0]!.spanContext().spanId).sort());
    expect(filtered.spans.map((s) => s.attributes)).toEqual(
      expect.arrayContaining([
        { 'app.amount': '450', region: 'eu-west' },
        { 'app.amount': '301.5', region: 'us-east' },
      ]),
    );
    expect(filtered.spans.every((s) => s.statusCode === 'Error' && s.name === 'POST /pay' && Number(s.durationNs) >= 50e6)).toBe(true);
  });

  test('past maxRate the stream samples, and the events stand for every matching span', async () => {
    const tail = await opened(new Tail(api, { service: 'tail-burst', maxRate: '5' }));
    const spans = Array.from({ length: 40 }, (_, i) => makeSimpleTrace({ service: 'tail-burst', name: `op ${i % 4}`, startMs: Date.now(), children: 9, childService: 'tail-burst' })).flat();
    await exportSpans(server, spans);
    // The held span goes out on a later tick, standing for the rest: the count comes out exact.
    await tail.until((t) => t.represented() >= spans.length);
    await tail.stop();
    expect(tail.represented()).toBe(spans.length);
    expect(tail.spans.length).toBeLessThan(spans.length);
    expect(tail.spans.some((s) => s.represents > 1)).toBe(true);
  });

  test('bad parameters are 400s naming the parameter', async () => {
    const cases: [TailQuery & Record<string, string | string[]>, string][] = [
      [{ attr: ['a>b'] }, 'attr'],
      [{ attr: ['=x'] }, 'attr'],
      [{ minDuration: 'soon' }, 'minDuration'],
      [{ status: 'broken' as never }, 'status'],
      [{ maxRate: '0' }, 'maxRate'],
      [{ maxRate: '100000' }, 'maxRate'],
      [{ maxDuration: '1s' }, 'maxDuration'],
    ];
    for (const [query, parameter] of cases) {
      const error = await api.tail(query, () => undefined).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(ApiRequestError);
      expect(error).toMatchObject({ status: 400, code: 'HS_BAD_PARAMETER', parameter });
    }
  });

  test('a client that stops reading is dropped, and the server buffers a bounded amount for it', async () => {
    const metric = async (name: string): Promise<number> => {
      const text = await (await fetch(`${server.uiUrl}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(name));
      return line === undefined ? 0 : Number(line.split(' ').pop());
    };
    const rssBefore = process.memoryUsage().rss;
    // A raw client that reads the headers, then nothing more.
    const closed = new Promise<void>((resolve, reject) => {
      const req = http.get(`${server.uiUrl}/api/v1/tail?service=tail-slow&attr=blob&maxRate=1000`, (res) => {
        expect(res.statusCode).toBe(200);
        res.pause();
        res.socket.once('close', () => resolve());
      });
      req.on('error', reject);
    });
    const blob = 'x'.repeat(4096);
    let sent = 0;
    let peakBuffered = 0;
    let peakRss = rssBefore;
    // Feeds until the server gives up on the client: each request's spans are 2 MB of matched attributes.
    while ((await metric('hindsight_tail_dropped_streams_total{reason="slow"}')) === 0) {
      if (sent > 200) throw new Error('the server kept a client that read nothing through 200 requests');
      const spans = Array.from({ length: 10 }, () => makeSimpleTrace({ service: 'tail-slow', startMs: Date.now(), children: 49, childService: 'tail-slow', attributes: { blob } })).flat();
      for (const s of spans) (s.attributes as Record<string, string>)['blob'] = blob;
      const response = await post(`${server.httpUrl}/v1/traces`, protobufRequest(spans), { 'Content-Type': 'application/x-protobuf' });
      expect(response.status).toBe(200);
      sent++;
      peakBuffered = Math.max(peakBuffered, await metric('hindsight_tail_buffered_bytes'));
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    await closed;
    // One write may pass the bound before the check (a tick's events, at most maxRate of them).
    expect(peakBuffered).toBeLessThanOrEqual(MAX_UNSENT_BYTES + 1000 * 5000);
    expect(await metric('hindsight_tail_streams')).toBe(0);
    expect(await metric('hindsight_tail_buffered_bytes')).toBe(0);
    // Generous: the requests and the chDB inserts move memory too; an unbounded buffer would grow by the GBs sent.
    expect(peakRss - rssBefore).toBeLessThan(512 * 1024 * 1024);
  });
});

test('with a viewer credential, the tail asks for it like every /api/v1 route', async () => {
  const server = await startTestServer({ uiToken: 'tail-secret' });
  try {
    const refused = await new ApiClient(server.uiUrl).tail({}, () => undefined).catch((err: unknown) => err);
    expect(refused).toMatchObject({ status: 401, code: 'HS_UNAUTHENTICATED' });
    const tail = await opened(new Tail(new ApiClient(server.uiUrl, { Authorization: 'Bearer tail-secret' }), {}));
    expect(tail.hello?.source).toBe('writer');
    await tail.stop();
  } finally {
    await stopTestServer(server);
  }
});

test('the polled source (several collectors on one store) sends what the store holds, a lag behind', async () => {
  const server = await startTestServer({ tailSource: 'poll', tailPollLagMs: 1500 });
  try {
    const api = new ApiClient(server.uiUrl);
    const tail = await opened(new Tail(api, { service: 'tail-polled', attr: ['app.amount>=10'] }));
    expect(tail.hello).toEqual({ source: 'poll', delayMs: 2500, maxRate: 100 });
    const matching = makeSimpleTrace({ service: 'tail-polled', startMs: Date.now(), attributes: { 'app.amount': 10 } });
    const other = makeSimpleTrace({ service: 'tail-polled', startMs: Date.now(), attributes: { 'app.amount': 9 } });
    await exportSpans(server, [...other, ...matching]);
    await tail.until((t) => t.spans.length >= 1);
    await tail.stop();
    expect(tail.spans).toEqual([expect.objectContaining({ spanId: matching[0]!.spanContext().spanId, attributes: { 'app.amount': '10' }, represents: 1 })]);
  } finally {
    await stopTestServer(server);
  }
});

test('the viewer role cannot be told to tail a writer it does not run', async () => {
  await expect(startTestServer({ tailSource: 'writer', clickhouseUrl: 'http://127.0.0.1:1' }, { role: 'viewer' })).rejects.toThrow(/--tail-source writer needs the collector/);
});
