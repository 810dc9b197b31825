/**
 * Requests built to hurt the decoder, through a real server (issue 12, items 3, 4,
 * 9, 13 and 15): 80,000 attribute keys on one span (quadratic before: 72 s with
 * the process frozen), spans dated past retention, past the future bound or past
 * 2106 (acknowledged, then lost), a 100,000-deep attribute value (500), and
 * nanosecond times as bare JSON numbers (rounded).
 */
import { randomBytes } from 'node:crypto';
import { status as GrpcCode } from '@grpc/grpc-js';
import { otlpTypes } from '../../collector/otlp/proto';
import { MAX_ANY_VALUE_DEPTH } from '../../collector/otlp/limits';
import { deepJsonRequest, deepProtobufRequest } from '../support/deep';
import { grpcExport, post, type RawResponse } from '../support/http';
import { queryRows, startTestServer, stopTestServer, type TestServer } from '../support/server';

const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };
const JSON_TYPE = { 'Content-Type': 'application/json' };
const DAY_MS = 86_400_000;

let server: TestServer;
let tracesUrl: string;

beforeAll(async () => {
  server = await startTestServer();
  tracesUrl = `${server.httpUrl}/v1/traces`;
});
afterAll(async () => {
  await stopTestServer(server);
});

const newTraceId = (): string => randomBytes(16).toString('hex');
const newSpanId = (): string => randomBytes(8).toString('hex');

interface JsonSpan {
  traceId: string;
  spanId: string;
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: unknown[];
}

function jsonSpan(startMs: number, endMs = startMs + 5, attributes: unknown[] = []): JsonSpan {
  const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();
  return { traceId: newTraceId(), spanId: newSpanId(), name: 'op', startTimeUnixNano: ns(startMs), endTimeUnixNano: ns(endMs), attributes };
}

function jsonBody(spans: JsonSpan[]): string {
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'attacks' } }] }, scopeSpans: [{ spans }] }] });
}

/** The same spans in protobuf (ids as bytes). */
function protobufBody(spans: JsonSpan[]): Buffer {
  const type = otlpTypes().ExportTraceServiceRequest;
  const request = JSON.parse(jsonBody(spans)) as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
  for (const span of request.resourceSpans[0]!.scopeSpans[0]!.spans) {
    span['traceId'] = Buffer.from(span['traceId'] as string, 'hex');
    span['spanId'] = Buffer.from(span['spanId'] as string, 'hex');
  }
  return Buffer.from(type.encode(type.fromObject(request)).finish());
}

interface PartialAnswer {
  rejectedSpans: number;
  errorMessage: string;
}

function partialSuccess(body: Buffer, encoding: 'json' | 'protobuf'): PartialAnswer | undefined {
  if (encoding === 'json') {
    const partial = (JSON.parse(body.toString()) as { partialSuccess?: { rejectedSpans: string; errorMessage: string } }).partialSuccess;
    return partial && { rejectedSpans: Number(partial.rejectedSpans), errorMessage: partial.errorMessage };
  }
  const type = otlpTypes().ExportTraceServiceResponse;
  return (type.toObject(type.decode(body), { longs: Number }) as { partialSuccess?: PartialAnswer }).partialSuccess;
}

/**
 * Runs `work` while GET /healthz is asked on the viewer port, one request after
 * another; returns the work's result, how long it took and the slowest /healthz.
 * The server runs in this process, so `work` must only send: building a body here
 * would stall the probe too.
 */
async function withHealthzProbe<T>(work: () => Promise<T>): Promise<{ result: T; workMs: number; worstHealthzMs: number; probes: number }> {
  let done = false;
  let worstHealthzMs = 0;
  let probes = 0;
  const probing = (async () => {
    while (!done) {
      const started = performance.now();
      const response = await fetch(`${server.uiUrl}/healthz`);
      await response.arrayBuffer();
      expect(response.status).toBe(200);
      worstHealthzMs = Math.max(worstHealthzMs, performance.now() - started);
      probes++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const started = performance.now();
  const result = await work();
  const workMs = performance.now() - started;
  done = true;
  await probing;
  return { result, workMs, worstHealthzMs, probes };
}

async function storedAttributeCount(traceId: string): Promise<number> {
  const rows = await queryRows<{ n: string }>(server.store.client, `SELECT length(SpanAttributes) AS n FROM ${server.config.database}.otel_traces WHERE TraceId = {id:String}`, { id: traceId });
  expect(rows).toHaveLength(1);
  return Number(rows[0]!.n);
}

describe('80,000 attribute keys on one span (item 3)', () => {
  const KEYS = 80_000;

  function wideSpan(): JsonSpan {
    const attributes = Array.from({ length: KEYS }, (_, i) => ({ key: `k${i}`, value: { stringValue: 'v' } }));
    return jsonSpan(Date.now() - 60_000, Date.now() - 59_000, attributes);
  }

  function expectCapped(partial: PartialAnswer | undefined): void {
    // Dropping attributes stores the span: a warning with rejected_spans = 0.
    expect(partial?.rejectedSpans ?? 0).toBe(0);
    expect(partial?.errorMessage).toBe(`${KEYS - 128} attributes dropped: more than 128 in one list, the first 128 kept (first at resourceSpans[0].scopeSpans[0].spans[0].attributes)`);
  }

  test.each(['protobuf', 'json'] as const)('over HTTP in %s: answered within seconds while /healthz keeps answering, 128 attributes kept', async (encoding) => {
    const span = wideSpan();
    const body = encoding === 'json' ? Buffer.from(jsonBody([span])) : protobufBody([span]);
    // Big enough to show quadratic work (the request was 800 KB).
    expect(body.length).toBeGreaterThan(800_000);
    const probe = await withHealthzProbe(() => post(tracesUrl, body, encoding === 'json' ? JSON_TYPE : PROTOBUF));
    const response: RawResponse = probe.result;
    expect(response.status).toBe(200);
    expectCapped(partialSuccess(response.body, encoding));
    expect(probe.workMs).toBeLessThan(5_000);
    expect(probe.probes).toBeGreaterThan(0);
    expect(probe.worstHealthzMs).toBeLessThan(1_000);
    expect(await storedAttributeCount(span.traceId)).toBe(128);
  });

  test('over gRPC: answered within seconds while /healthz keeps answering', async () => {
    const span = wideSpan();
    const body = protobufBody([span]);
    const probe = await withHealthzProbe(() => grpcExport(server.grpcUrl, body));
    expect(probe.result.error).toBeNull();
    expectCapped(partialSuccess(probe.result.response!, 'protobuf'));
    expect(probe.workMs).toBeLessThan(5_000);
    expect(probe.worstHealthzMs).toBeLessThan(1_000);
    expect(await storedAttributeCount(span.traceId)).toBe(128);
  });

  test('the same keys spread over 625 spans of 128, each list with a duplicate key', async () => {
    const spans = Array.from({ length: 625 }, () => {
      const attributes = Array.from({ length: 128 }, (_, i) => ({ key: `k${i === 127 ? 0 : i}`, value: { intValue: i } }));
      return jsonSpan(Date.now() - 60_000, Date.now() - 59_000, attributes);
    });
    const body = protobufBody(spans);
    const probe = await withHealthzProbe(() => post(tracesUrl, body, PROTOBUF));
    expect(probe.result.status).toBe(200);
    expect(partialSuccess(probe.result.body, 'protobuf')).toBeUndefined();
    expect(probe.workMs).toBeLessThan(5_000);
    expect(probe.worstHealthzMs).toBeLessThan(1_000);
    // Each key once, the last value winning.
    expect(await storedAttributeCount(spans[0]!.traceId)).toBe(127);
    const [row] = await queryRows<{ k0: string }>(server.store.client, `SELECT SpanAttributes['k0'] AS k0 FROM ${server.config.database}.otel_traces WHERE TraceId = {id:String}`, {
      id: spans[0]!.traceId,
    });
    expect(row?.k0).toBe('127');
  });
});

test('1 MiB of empty ResourceSpans: answered within seconds while /healthz keeps answering (item 3)', async () => {
  // 4 bytes each (ResourceSpans { scopeSpans {} }): a per-resource cost of 40 µs froze the process for 10 s.
  const count = 262_144;
  const body = Buffer.alloc(count * 4);
  for (let i = 0; i < count; i++) body.set([0x0a, 0x02, 0x12, 0x00], i * 4);
  const probe = await withHealthzProbe(() => post(tracesUrl, body, PROTOBUF));
  expect(probe.result.status).toBe(200);
  expect(probe.workMs).toBeLessThan(5_000);
  expect(probe.worstHealthzMs).toBeLessThan(1_000);
});

describe('spans dated where the store cannot keep them (items 4 and 9)', () => {
  const DATES = {
    'an hour ago': (now: number) => jsonSpan(now - 3_600_000),
    'six days ago': (now: number) => jsonSpan(now - 6 * DAY_MS),
    'in an hour': (now: number) => jsonSpan(now + 3_600_000),
    'eight days ago (retention is 7)': (now: number) => jsonSpan(now - 8 * DAY_MS),
    'in two days (the bound is one)': (now: number) => jsonSpan(now + 2 * DAY_MS),
    'on 2106-03-01': () => jsonSpan(Date.UTC(2106, 2, 1)),
    'in 2150': () => jsonSpan(Date.UTC(2150, 0, 1)),
    'in 2200': () => jsonSpan(Date.UTC(2200, 0, 1)),
    'now, ending in 2150': (now: number) => jsonSpan(now, Date.UTC(2150, 0, 1)),
  };
  const VALID = ['an hour ago', 'six days ago', 'in an hour'];

  async function rejectedCounts(): Promise<Record<string, number>> {
    const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
    const counts: Record<string, number> = {};
    for (const [, reason, value] of text.matchAll(/^hindsight_spans_rejected_total\{reason="(\w+)"\} (\d+)$/gm)) counts[reason!] = Number(value);
    return counts;
  }

  test.each(['json', 'protobuf'] as const)('in %s: 200 with partial_success counting the bad ones; every valid span readable by trace id', async (encoding) => {
    const now = Date.now();
    const spans = Object.fromEntries(Object.entries(DATES).map(([name, make]) => [name, make(now)]));
    const all = Object.values(spans);
    const before = await rejectedCounts();
    const response = await post(tracesUrl, encoding === 'json' ? jsonBody(all) : protobufBody(all), encoding === 'json' ? JSON_TYPE : PROTOBUF);
    expect(response.status).toBe(200);
    const partial = partialSuccess(response.body, encoding);
    expect(partial?.rejectedSpans).toBe(all.length - VALID.length);
    expect(partial?.errorMessage).toMatch(/1 rejected: start time is older than the retention period \(first at resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[3\]\)/);
    expect(partial?.errorMessage).toMatch(/1 rejected: start time is later than the future bound/);
    expect(partial?.errorMessage).toMatch(/4 rejected: start time is missing or a time is after 2106-02-07T06:28:15Z/);

    for (const [name, span] of Object.entries(spans)) {
      const found = await fetch(`${server.uiUrl}/api/v1/traces/${span.traceId}`);
      expect([name, found.status]).toEqual([name, VALID.includes(name) ? 200 : 404]);
      if (found.ok) expect(((await found.json()) as { spans: { spanId: string }[] }).spans.map((s) => s.spanId)).toEqual([span.spanId]);
    }
    const after = await rejectedCounts();
    expect((after['too_old'] ?? 0) - (before['too_old'] ?? 0)).toBe(1);
    expect((after['too_far_in_future'] ?? 0) - (before['too_far_in_future'] ?? 0)).toBe(1);
    expect((after['invalid_timestamp'] ?? 0) - (before['invalid_timestamp'] ?? 0)).toBe(4);
  });
});

describe(`an attribute value nested 100,000 deep (item 13; the limit is ${MAX_ANY_VALUE_DEPTH} levels)`, () => {
  const startNs = (): bigint => BigInt(Date.now() - 60_000) * 1_000_000n;
  const MESSAGE = `resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value: an AnyValue nests deeper than ${MAX_ANY_VALUE_DEPTH} levels`;

  test('in JSON: 400 saying why, not 500', async () => {
    const response = await post(tracesUrl, deepJsonRequest(100_000, 'kvlistValue', startNs()), JSON_TYPE);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body.toString())).toEqual({ code: GrpcCode.INVALID_ARGUMENT, message: MESSAGE });
  });

  test('in protobuf, over HTTP and gRPC: 400 and INVALID_ARGUMENT', async () => {
    const response = await post(tracesUrl, deepProtobufRequest(100_000, 'arrayValue', startNs()), PROTOBUF);
    expect(response.status).toBe(400);
    const status = otlpTypes().Status;
    expect(status.toObject(status.decode(response.body))).toEqual({ code: GrpcCode.INVALID_ARGUMENT, message: MESSAGE });
    const { error } = await grpcExport(server.grpcUrl, deepProtobufRequest(100_000, 'kvlistValue', startNs()));
    expect(error?.code).toBe(GrpcCode.INVALID_ARGUMENT);
    expect(error?.details).toBe(MESSAGE);
  });

  test(`${MAX_ANY_VALUE_DEPTH} levels are stored`, async () => {
    const response = await post(tracesUrl, deepJsonRequest(MAX_ANY_VALUE_DEPTH, 'arrayValue', startNs()), JSON_TYPE);
    expect(response.status).toBe(200);
  });
});

describe('64-bit integers as bare JSON numbers (item 15)', () => {
  test('a start time above 2^53 is stored to the nanosecond, and so is an int attribute', async () => {
    const traceId = newTraceId();
    const startNs = BigInt(Date.now() - 60_000) * 1_000_000n + 123_456_789n;
    const span = `{"traceId":"${traceId}","spanId":"${newSpanId()}","name":"op","startTimeUnixNano":${startNs},"endTimeUnixNano":${startNs + 1_001n},"attributes":[{"key":"big","value":{"intValue":9007199254740993}}]}`;
    const response = await post(tracesUrl, `{"resourceSpans":[{"scopeSpans":[{"spans":[${span}]}]}]}`, JSON_TYPE);
    expect(response.status).toBe(200);
    const rows = await queryRows<{ ns: string; duration: string; big: string }>(
      server.store.client,
      `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS ns, toString(Duration) AS duration, SpanAttributes['big'] AS big FROM ${server.config.database}.otel_traces WHERE TraceId = {id:String}`,
      { id: traceId },
    );
    expect(rows).toEqual([{ ns: startNs.toString(), duration: '1001', big: '9007199254740993' }]);
  });
});
