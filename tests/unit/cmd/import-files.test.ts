/**
 * What `hindsight import` reads: Jaeger JSON back into OTLP (the inverse of the Jaeger
 * export), files of every kind as requests with their spans, and a request less the
 * spans already stored, in both encodings.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { toJaegerTrace } from '../../../viewer/api/jaeger';
import { jaegerToOtlp, jaegerTraces } from '../../../cmd/jaeger-file';
import { readImportFile } from '../../../cmd/import-files';
import { otlpTypes } from '../../../collector/otlp/proto';
import { makeApiSpan } from '../../support/api-spans';
import { jsonRequest, makeSimpleTrace, protobufRequest } from '../../support/spans';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const T0 = 1_700_000_000_123_456_000n;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-import-files-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string | Buffer): string {
  const at = path.join(dir, name);
  fs.writeFileSync(at, content);
  return at;
}

describe('Jaeger JSON', () => {
  //   GET /cart (server, checkout) ─── charge (client, payments, error, a log, a link)
  const spans = [
    makeApiSpan({
      traceId: TRACE,
      spanId: '00f067aa0ba902b7',
      name: 'GET /cart',
      kind: 'Server',
      service: 'checkout',
      startNs: String(T0),
      durationNs: '25000000',
      statusCode: 'Ok',
      attributes: { 'http.route': '/cart' },
      resource: { 'service.name': 'checkout', 'host.name': 'a' },
      scope: { name: 'shop', version: '1.2' },
    }),
    makeApiSpan({
      traceId: TRACE,
      spanId: '00f067aa0ba902b8',
      parentSpanId: '00f067aa0ba902b7',
      name: 'charge',
      kind: 'Client',
      service: 'payments',
      startNs: String(T0 + 1_000_000n),
      durationNs: '5000000',
      statusCode: 'Error',
      statusMessage: 'card declined',
      resource: { 'service.name': 'payments' },
      events: [{ timeNs: String(T0 + 2_000_000n), name: 'retry', attributes: { attempt: '2' } }],
      links: [{ traceId: 'ef'.repeat(16), spanId: '1'.repeat(16), traceState: '', attributes: {} }],
    }),
  ];

  test("Hindsight's own Jaeger export comes back as the OTLP it was", () => {
    const document = JSON.parse(JSON.stringify({ data: [toJaegerTrace(TRACE, spans)], total: 1, limit: 0, offset: 0, errors: null })) as unknown;
    const request = jaegerToOtlp(jaegerTraces(document)!);
    expect(request.resourceSpans.map((r) => r.resource.attributes)).toEqual([
      [
        { key: 'service.name', value: { stringValue: 'checkout' } },
        { key: 'host.name', value: { stringValue: 'a' } },
      ],
      [{ key: 'service.name', value: { stringValue: 'payments' } }],
    ]);
    const [cart, charge] = request.resourceSpans.map((r) => r.scopeSpans[0]!);
    expect(cart!.scope).toEqual({ name: 'shop', version: '1.2' });
    expect(cart!.spans).toEqual([
      {
        traceId: TRACE,
        spanId: '00f067aa0ba902b7',
        parentSpanId: '',
        name: 'GET /cart',
        kind: 2,
        startTimeUnixNano: String(T0),
        endTimeUnixNano: String(T0 + 25_000_000n),
        attributes: [{ key: 'http.route', value: { stringValue: '/cart' } }],
        events: [],
        links: [],
        status: { code: 1, message: '' },
      },
    ]);
    expect(charge!.spans[0]).toMatchObject({
      parentSpanId: '00f067aa0ba902b7',
      kind: 3,
      status: { code: 2, message: 'card declined' },
      attributes: [],
      // Jaeger's tags are typed where the stored text reads back losslessly (README, typed tags):
      // "2" goes out as int64 and comes back as an int, stored again as the same text "2".
      events: [{ timeUnixNano: String(T0 + 2_000_000n), name: 'retry', attributes: [{ key: 'attempt', value: { intValue: '2' } }] }],
      links: [{ traceId: 'ef'.repeat(16), spanId: '1'.repeat(16), attributes: [] }],
    });
  });

  test("Jaeger's own files: typed tags, 64-bit trace ids, embedded processes, older scope tags, error without a status", () => {
    const trace = {
      traceID: 'a1b2c3d4e5f60718',
      spans: [
        {
          traceID: 'a1b2c3d4e5f60718',
          spanID: 'abc',
          operationName: 'poll',
          references: [],
          startTime: '1700000000000001',
          duration: 7,
          tags: [
            { key: 'count', type: 'int64', value: 42 },
            { key: 'big', type: 'int64', value: '9007199254740993' },
            { key: 'ratio', type: 'float64', value: 0.5 },
            { key: 'cached', type: 'bool', value: false },
            { key: 'raw', type: 'binary', value: 'AAE=' },
            { key: 'error', type: 'bool', value: true },
            { key: 'otel.library.name', type: 'string', value: 'poller' },
            { key: 'internal.span.format', type: 'string', value: 'proto' },
          ],
          logs: [{ timestamp: 1700000000000003, fields: [{ key: 'message', type: 'string', value: 'no event field' }] }],
          process: { serviceName: 'worker', tags: [{ key: 'hostname', type: 'string', value: 'w1' }] },
        },
      ],
    };
    const request = jaegerToOtlp(jaegerTraces([trace])!);
    const span = request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(request.resourceSpans[0]!.resource.attributes).toEqual([
      { key: 'service.name', value: { stringValue: 'worker' } },
      { key: 'hostname', value: { stringValue: 'w1' } },
    ]);
    expect(request.resourceSpans[0]!.scopeSpans[0]!.scope).toEqual({ name: 'poller', version: '' });
    expect(span.traceId).toBe('0000000000000000a1b2c3d4e5f60718');
    expect(span.spanId).toBe('0000000000000abc');
    expect([span.startTimeUnixNano, span.endTimeUnixNano]).toEqual(['1700000000000001000', '1700000000000008000']);
    expect(span.status).toEqual({ code: 2, message: '' });
    expect(span.attributes).toEqual([
      { key: 'count', value: { intValue: '42' } },
      { key: 'big', value: { intValue: '9007199254740993' } },
      { key: 'ratio', value: { doubleValue: 0.5 } },
      { key: 'cached', value: { boolValue: false } },
      { key: 'raw', value: { bytesValue: 'AAE=' } },
    ]);
    expect(span.events).toEqual([{ timeUnixNano: '1700000000000003000', name: 'log', attributes: [{ key: 'message', value: { stringValue: 'no event field' } }] }]);
  });

  test('a JSON document that is neither is refused, naming both', () => {
    expect(jaegerTraces({ traces: [] })).toBeUndefined();
    expect(() => readImportFile(file('other.json', '{"traces": []}'))).toThrow(
      'neither OTLP JSON (an object with resourceSpans) nor Jaeger JSON (traces with spans, as `hindsight export --format jaeger` writes)',
    );
    expect(() => jaegerToOtlp(jaegerTraces([{ spans: [{ traceID: 'a', spanID: 'b', startTime: -5, duration: 1 }] }])!)).toThrow('Jaeger JSON: startTime is not whole microseconds: -5');
  });
});

/** Each span of a request with its resource and scope, decoded to plain values. */
function flatten(body: Buffer, contentType: string): { resource: unknown; scope: unknown; span: unknown }[] {
  const type = otlpTypes().ExportTraceServiceRequest;
  type Request = { resourceSpans: { resource: unknown; scopeSpans: { scope: unknown; spans: { spanId: unknown }[] }[] }[] };
  const request = (contentType === 'application/json' ? JSON.parse(body.toString('utf8')) : type.toObject(type.decode(body), { longs: String, bytes: String })) as Request;
  return request.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((span) => ({ resource: r.resource, scope: s.scope, span }))));
}

describe('files as requests', () => {
  const a = makeSimpleTrace({ service: 'files', name: 'a', children: 2 });
  const b = makeSimpleTrace({ service: 'files', name: 'b', children: 1 });
  const traceOf = (spans: typeof a): string => spans[0]!.spanContext().traceId;

  test.each([
    ['protobuf', 'ab.binpb', protobufRequest([...a, ...b]), 'application/x-protobuf'],
    ['OTLP JSON', 'ab.json', jsonRequest([...a, ...b]), 'application/json'],
  ] as const)('%s: the request less some spans keeps the others, whole', (_format, name, bytes, contentType) => {
    const [message] = readImportFile(file(name, bytes));
    expect(message!.contentType).toBe(contentType);
    expect(message!.spans.map((s) => s.traceId).sort()).toEqual([...a.map(() => traceOf(a)), ...b.map(() => traceOf(b))].sort());
    const first = a[0]!;
    const key = message!.spans.find((s) => s.spanId === first.spanContext().spanId)!;
    expect(key.startNs).toBe(BigInt(first.startTime[0]) * 1_000_000_000n + BigInt(first.startTime[1]));

    const rest = message!.without((s) => s.traceId === traceOf(a));
    expect(rest.spans.map((s) => s.spanId).sort()).toEqual(b.map((s) => s.spanContext().spanId).sort());
    // The new body is a request of its own, read back the same way, each span kept whole.
    const again = readImportFile(file(`rest-${name}`, rest.body))[0]!;
    expect(again.spans).toEqual(rest.spans);
    const whole = (body: Buffer): Map<string, unknown> => new Map(flatten(body, contentType).map((e) => [(e.span as { spanId: string }).spanId, e]));
    const before = whole(message!.body);
    for (const [spanId, entry] of whole(rest.body)) expect(entry).toEqual(before.get(spanId));
    expect(message!.without(() => false).spans).toEqual(message!.spans);
    expect(message!.without(() => true).spans).toEqual([]);
  });

  test('a Jaeger file is one JSON request whose times are microseconds', () => {
    const jaeger = { data: [toJaegerTrace(TRACE, [makeApiSpan({ traceId: TRACE, startNs: String(T0), durationNs: '1500' })])] };
    const [message] = readImportFile(file('trace.jaeger.json', JSON.stringify(jaeger)));
    expect([message!.format, message!.contentType, message!.microseconds]).toEqual(['Jaeger JSON', 'application/json', true]);
    expect(message!.spans).toEqual([{ traceId: TRACE, spanId: '0000000000000001', startNs: T0, endNs: T0 + 1000n }]);
  });

  test('JSON lines name the line that is not OTLP', () => {
    expect(() => readImportFile(file('lines.jsonl', `${jsonRequest(a).toString()}\n{"nope": 1}\n`))).toThrow(/^line 2: neither OTLP JSON/);
  });
});
