/**
 * Both encodings through their normalizers: OTLP/JSON through normalizeRequest,
 * protobuf through transcodeProtobuf (and, as the reference, protobufjs's decoding
 * through normalizeRequest). Every case that protobuf can express runs on both.
 */
import { normalizeBody } from '../../../../collector/otlp/decode';
import { otlpTypes } from '../../../../collector/otlp/proto';
import { jsonLeaves } from '../../../../collector/otlp/leaves';
import { decodeRequest, normalizeRequest } from '../../../../collector/otlp/normalize';
import { partialSuccessMessage } from '../../../../collector/otlp/responses';
import type { NormalizedRequest, RejectReason } from '../../../../collector/otlp/span-rules';
import { MalformedRequest } from '../../../../collector/otlp/malformed';
import { decodeLimits, LAST_STORABLE_NS, UNDATED_LIMITS, type DecodeLimits } from '../../../../collector/otlp/limits';
import { SPAN_COLUMNS } from '../../../../storage/columns';
import { jsonRequest, makeTraces, protobufRequest } from '../../../support/spans';

function text(result: NormalizedRequest): string {
  return result.rows.data.toString('utf8');
}

function rowsOf(result: NormalizedRequest): unknown[][] {
  return text(result)
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as unknown[]);
}

function column(row: unknown[] | undefined, name: (typeof SPAN_COLUMNS)[number]): unknown {
  return row![SPAN_COLUMNS.indexOf(name)];
}

/** A minimal OTLP/JSON request with one span, fields overridable. */
function makeJsonRequest(span: Record<string, unknown> = {}, resource: unknown = { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource,
        scopeSpans: [
          {
            scope: { name: 'scope', version: '1' },
            spans: [
              {
                traceId: '5b8efff798038103d269b633813fc60c',
                spanId: 'eee19b7ec3c1b174',
                name: 'op',
                kind: 2,
                startTimeUnixNano: '1700000000000000001',
                endTimeUnixNano: '1700000000500000002',
                ...span,
              },
            ],
          },
        ],
      },
    ],
  };
}

function spansOf(request: Record<string, unknown>): unknown[] {
  return (request['resourceSpans'] as { scopeSpans: { spans: unknown[] }[] }[])[0]!.scopeSpans[0]!.spans;
}

/** The same request in protobuf, encoded by protobufjs (hex ids become bytes). */
function toProtobuf(request: unknown): Buffer {
  const hexIdsAsBase64 = JSON.parse(
    JSON.stringify(request).replace(/"(traceId|spanId|parentSpanId)":"([0-9a-fA-F]*)"/g, (_m, k: string, hex: string) => `"${k}":"${Buffer.from(hex, 'hex').toString('base64')}"`),
  ) as Record<string, unknown>;
  const type = otlpTypes().ExportTraceServiceRequest;
  return Buffer.from(type.encode(type.fromObject(hexIdsAsBase64)).finish());
}

const ENCODINGS: [string, (request: unknown, limits?: DecodeLimits) => NormalizedRequest][] = [
  ['json', (request, limits) => normalizeRequest(request, jsonLeaves, limits)],
  ['protobuf', (request, limits) => normalizeBody(toProtobuf(request), 'protobuf', limits)],
];

/** `count` attributes named prefix0, prefix1, ... with their index as an int value. */
function numbered(prefix: string, count: number): { key: string; value: { intValue: number } }[] {
  return Array.from({ length: count }, (_, i) => ({ key: `${prefix}${i}`, value: { intValue: i } }));
}

const NOW_MS = Date.UTC(2026, 0, 1);
const DAY_MS = 86_400_000;

function nanos(ms: number): string {
  return (BigInt(ms) * 1_000_000n).toString();
}

/** Spans dated around NOW_MS, for 7 days' retention and a one-day future bound. */
const DATED_SPANS: Record<string, { span: Record<string, unknown>; reason: RejectReason | undefined }> = {
  'an hour old': { span: { startTimeUnixNano: nanos(NOW_MS - 3_600_000), endTimeUnixNano: nanos(NOW_MS - 3_599_000) }, reason: undefined },
  'eight days old': { span: { startTimeUnixNano: nanos(NOW_MS - 8 * DAY_MS), endTimeUnixNano: nanos(NOW_MS - 8 * DAY_MS + 1) }, reason: 'too_old' },
  'two days ahead': { span: { startTimeUnixNano: nanos(NOW_MS + 2 * DAY_MS), endTimeUnixNano: nanos(NOW_MS + 2 * DAY_MS + 1) }, reason: 'too_far_in_future' },
  'dated 2106-03-01': { span: { startTimeUnixNano: nanos(Date.UTC(2106, 2, 1)), endTimeUnixNano: nanos(Date.UTC(2106, 2, 1) + 1) }, reason: 'invalid_timestamp' },
  'dated 2150': { span: { startTimeUnixNano: nanos(Date.UTC(2150, 0, 1)), endTimeUnixNano: nanos(Date.UTC(2150, 0, 1) + 1) }, reason: 'invalid_timestamp' },
  'dated 2200': { span: { startTimeUnixNano: nanos(Date.UTC(2200, 0, 1)), endTimeUnixNano: nanos(Date.UTC(2200, 0, 1) + 1) }, reason: 'invalid_timestamp' },
  'ending in 2150': { span: { startTimeUnixNano: nanos(NOW_MS), endTimeUnixNano: nanos(Date.UTC(2150, 0, 1)) }, reason: 'invalid_timestamp' },
  'with an event in 2150': { span: { startTimeUnixNano: nanos(NOW_MS), endTimeUnixNano: nanos(NOW_MS + 1), events: [{ timeUnixNano: nanos(Date.UTC(2150, 0, 1)) }] }, reason: 'invalid_timestamp' },
};

test('the same SDK spans give identical rows through the transcoder, the protobuf tree and JSON', () => {
  const { spans } = makeTraces();
  const transcoded = normalizeBody(protobufRequest(spans), 'protobuf');
  const tree = decodeRequest(protobufRequest(spans), 'protobuf');
  const viaTree = normalizeRequest(tree.tree, tree.leaves);
  const viaJson = normalizeBody(jsonRequest(spans), 'json');
  expect(transcoded.rows.spans).toBe(spans.length);
  expect(transcoded.rejected).toBe(0);
  expect(text(transcoded)).toBe(text(viaJson));
  expect(text(viaTree)).toBe(text(viaJson));
  for (const row of rowsOf(transcoded)) expect(row).toHaveLength(SPAN_COLUMNS.length);
  expect(transcoded.rows.probe).toBeDefined();
  expect(transcoded.rows.probe).toEqual(viaJson.rows.probe);
  expect(viaTree.rows.probe).toEqual(viaJson.rows.probe);
});

describe.each(ENCODINGS)('%s', (_encoding, normalize) => {
  test('maps kinds, statuses and times as the clickhouseexporter does', () => {
    const result = normalize(makeJsonRequest({ status: { code: 2, message: 'boom' }, kind: 'SPAN_KIND_CLIENT' }));
    const [row] = rowsOf(result);
    // Nanoseconds stay exact integers in the row text (JSON.parse here would round them).
    expect(text(result).startsWith('[1700000000000000001,')).toBe(true);
    expect(column(row, 'SpanKind')).toBe('Client');
    expect(column(row, 'StatusCode')).toBe('Error');
    expect(column(row, 'StatusMessage')).toBe('boom');
    expect(column(row, 'Duration')).toBe(500000001);
    expect(column(row, 'ServiceName')).toBe('svc');
    expect(column(row, 'ParentSpanId')).toBe('');
  });

  test('ids are lowercase hex and a missing service.name is unknown_service', () => {
    const [row] = rowsOf(normalize(makeJsonRequest({ traceId: '5B8EFFF798038103D269B633813FC60C' }, { attributes: [] })));
    expect(column(row, 'TraceId')).toBe('5b8efff798038103d269b633813fc60c');
    expect(column(row, 'ServiceName')).toBe('unknown_service');
  });

  test('stringifies every AnyValue type as the exporter does, last duplicate key winning', () => {
    const attributes = [
      { key: 's', value: { stringValue: 'x' } },
      { key: 'b', value: { boolValue: false } },
      { key: 'i', value: { intValue: '-9223372036854775808' } },
      { key: 'big', value: { intValue: '9007199254740993' } },
      { key: 'i2', value: { intValue: 7 } },
      { key: 'd', value: { doubleValue: 0.1 } },
      { key: 'dzero', value: { doubleValue: 0 } },
      { key: 'nan', value: { doubleValue: 'NaN' } },
      { key: 'inf', value: { doubleValue: '-Infinity' } },
      { key: 'bytes', value: { bytesValue: 'AAEC' } },
      { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }, { boolValue: false }, {}] } } },
      {
        key: 'map',
        value: {
          kvlistValue: {
            values: [
              { key: 'z', value: { doubleValue: 1.5 } },
              { key: 'a', value: { arrayValue: {} } },
            ],
          },
        },
      },
      { key: 'empty', value: {} },
      { key: 'emptystr', value: { stringValue: '' } },
      { key: 's', value: { stringValue: 'last wins' } },
    ];
    const [row] = rowsOf(normalize(makeJsonRequest({ attributes })));
    expect(column(row, 'SpanAttributes')).toEqual({
      s: 'last wins',
      b: 'false',
      i: '-9223372036854775808',
      big: '9007199254740993',
      i2: '7',
      d: '0.1',
      dzero: '0',
      nan: 'NaN',
      inf: '-Inf',
      bytes: 'AAEC',
      arr: '["a",1,false,null]',
      map: '{"a":[],"z":1.5}',
      empty: '',
      emptystr: '',
    });
  });

  test('hostile strings are carried as data', () => {
    const hostile = '<script>alert("x")</script>\\"\n\u0000\u007f\u2028 é 😀';
    const [row] = rowsOf(normalize(makeJsonRequest({ name: hostile, attributes: [{ key: hostile, value: { stringValue: hostile } }] })));
    expect(column(row, 'SpanName')).toBe(hostile);
    expect(column(row, 'SpanAttributes')).toEqual({ [hostile]: hostile });
  });

  test('events and links fill their Nested columns', () => {
    const [row] = rowsOf(
      normalize(
        makeJsonRequest({
          events: [
            { timeUnixNano: '1700000000100000000', name: 'e1', attributes: [{ key: 'k', value: { intValue: 1 } }] },
            { timeUnixNano: '1700000000200000000', name: 'e2' },
          ],
          links: [{ traceId: '0102030405060708090a0b0c0d0e0f10', spanId: '0102030405060708', traceState: 'a=b', attributes: [{ key: 'l', value: { boolValue: true } }] }],
        }),
      ),
    );
    expect(column(row, 'Events.Name')).toEqual(['e1', 'e2']);
    expect(column(row, 'Events.Attributes')).toEqual([{ k: '1' }, {}]);
    expect(column(row, 'Links.TraceId')).toEqual(['0102030405060708090a0b0c0d0e0f10']);
    expect(column(row, 'Links.SpanId')).toEqual(['0102030405060708']);
    expect(column(row, 'Links.TraceState')).toEqual(['a=b']);
    expect(column(row, 'Links.Attributes')).toEqual([{ l: 'true' }]);
  });

  test.each([
    ['a short trace id', { traceId: 'abcd' }, 'invalid_trace_id'],
    ['an all-zero trace id', { traceId: '0'.repeat(32) }, 'invalid_trace_id'],
    ['a missing span id', { spanId: undefined }, 'invalid_span_id'],
    ['a 9-byte span id', { spanId: 'ab'.repeat(9) }, 'invalid_span_id'],
    ['an all-zero span id', { spanId: '0'.repeat(16) }, 'invalid_span_id'],
    ['a 4-byte parent id', { parentSpanId: 'abababab' }, 'invalid_parent_span_id'],
    ['an end before its start', { endTimeUnixNano: '1700000000000000000' }, 'end_before_start'],
    ['no start time', { startTimeUnixNano: undefined, endTimeUnixNano: undefined }, 'invalid_timestamp'],
    ['a time past 2262', { endTimeUnixNano: '18446744073709551615' }, 'invalid_timestamp'],
    ['an event past 2262', { events: [{ timeUnixNano: '18446744073709551615' }] }, 'invalid_timestamp'],
    ['a link with a bad id', { links: [{ traceId: 'ab', spanId: 'eee19b7ec3c1b174' }] }, 'invalid_link'],
  ])('rejects one span with %s and keeps the others', (_name, override, reason) => {
    const request = makeJsonRequest(override);
    spansOf(request).push(spansOf(makeJsonRequest())[0]);
    const result = normalize(request);
    expect(result.rows.spans).toBe(1);
    expect(result.rejected).toBe(1);
    expect(Object.keys(result.rejections)).toEqual([reason]);
    expect(partialSuccessMessage(result, 128)).toContain('resourceSpans[0].scopeSpans[0].spans[0]');
    expect(rowsOf(result)).toHaveLength(1);
  });

  test('the rows carry their probe: the Timestamp, TraceId and SpanId of the stored span that starts last', () => {
    const request = makeJsonRequest({ spanId: '00000000000000a1', startTimeUnixNano: '1700000000000000005', endTimeUnixNano: '1700000000000000006' });
    const later = (spanId: string, start: string, traceId = '5b8efff798038103d269b633813fc60c'): unknown =>
      spansOf(makeJsonRequest({ traceId, spanId, startTimeUnixNano: start, endTimeUnixNano: start }))[0];
    spansOf(request).push(
      later('00000000000000a2', '1700000000000000009'),
      // Starts last, but is rejected: never the probe.
      later('00000000000000a3', '1700000000000000010', '0'.repeat(32)),
      // Starts as late as the probe: the first of the two stays.
      later('00000000000000a4', '1700000000000000009'),
    );
    const result = normalize(request);
    expect(result.rows.spans).toBe(3);
    expect(result.rows.probe).toEqual(['1700000000000000009', '5b8efff798038103d269b633813fc60c', '00000000000000a2']);
    // The probe is one of the stored rows, as the journal's recovery looks it up.
    const [timestamp, traceId, spanId] = result.rows.probe!;
    expect(text(result)).toContain(`[${timestamp},"${traceId}","${spanId}",`);
  });

  test('rows without spans carry no probe', () => {
    const result = normalize(makeJsonRequest({ traceId: '' }));
    expect(result.rows.spans).toBe(0);
    expect(result.rows.probe).toBeUndefined();
  });

  describe('dated against a clock', () => {
    const limits = decodeLimits({ nowMs: NOW_MS, retentionDays: 7, maxFutureSeconds: 86_400, maxAttributes: 128 });

    test.each(Object.entries(DATED_SPANS).filter(([, { reason }]) => reason !== undefined))('rejects a span %s and keeps a current one', (_name, { span, reason }) => {
      const request = makeJsonRequest(span);
      spansOf(request).push(spansOf(makeJsonRequest(DATED_SPANS['an hour old']!.span))[0]);
      const result = normalize(request, limits);
      expect(result.rows.spans).toBe(1);
      expect(Object.keys(result.rejections)).toEqual([reason]);
      expect(partialSuccessMessage(result, 128)).toMatch(/^1 rejected: .* \(first at resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\)$/);
    });

    test('a span exactly at either bound is kept', () => {
      for (const startNs of [limits.earliestStartNs, limits.latestStartNs]) {
        const result = normalize(makeJsonRequest({ startTimeUnixNano: String(startNs), endTimeUnixNano: String(startNs + 1n) }), limits);
        expect(result.rejected).toBe(0);
      }
    });

    test('a future bound past 2106 is held back so that start + retention still fits a DateTime', () => {
      const lax = decodeLimits({ nowMs: NOW_MS, retentionDays: 7, maxFutureSeconds: 10 ** 12, maxAttributes: 128 });
      expect(lax.latestStartNs).toBe(LAST_STORABLE_NS - 7n * 86_400n * 10n ** 9n);
      const start = String(lax.latestStartNs + 1n);
      expect(Object.keys(normalize(makeJsonRequest({ startTimeUnixNano: start, endTimeUnixNano: start }), lax).rejections)).toEqual(['too_far_in_future']);
    });
  });

  describe('attribute cap', () => {
    const limits = { ...UNDATED_LIMITS, maxAttributes: 4 };

    test('keeps the first entries of every list, counts the rest and still stores the span', () => {
      const request = makeJsonRequest(
        {
          attributes: numbered('a', 130),
          events: [{ timeUnixNano: '1700000000100000000', name: 'e', attributes: numbered('e', 5) }],
          links: [{ traceId: '0102030405060708090a0b0c0d0e0f10', spanId: '0102030405060708', attributes: numbered('l', 7) }],
        },
        { attributes: [...numbered('r', 4), { key: 'service.name', value: { stringValue: 'svc' } }] },
      );
      const result = normalize(request, limits);
      const [row] = rowsOf(result);
      expect(result.rejected).toBe(0);
      expect(Object.keys(column(row, 'SpanAttributes') as object)).toEqual(['a0', 'a1', 'a2', 'a3']);
      expect(column(row, 'Events.Attributes')).toEqual([{ e0: '0', e1: '1', e2: '2', e3: '3' }]);
      expect(column(row, 'Links.Attributes')).toEqual([{ l0: '0', l1: '1', l2: '2', l3: '3' }]);
      // service.name came fifth on its resource: dropped with the excess, as an SDK would.
      expect(column(row, 'ServiceName')).toBe('unknown_service');
      expect(result.droppedAttributes).toEqual({ count: 1 + 126 + 1 + 3, first: 'resourceSpans[0].resource.attributes' });
      expect(partialSuccessMessage(result, 4)).toBe('131 attributes dropped: more than 4 in one list, the first 4 kept (first at resourceSpans[0].resource.attributes)');
    });

    test('a rejected span adds nothing to the dropped count', () => {
      const result = normalize(makeJsonRequest({ traceId: '', attributes: numbered('a', 10) }), limits);
      expect(result.rejected).toBe(1);
      expect(result.droppedAttributes).toBeUndefined();
    });

    test('a duplicate key within the kept entries of a long list: first place, last value', () => {
      const attributes = [...numbered('k', 20), { key: 'k3', value: { stringValue: 'last' } }];
      const [row] = rowsOf(normalize(makeJsonRequest({ attributes }), { ...UNDATED_LIMITS, maxAttributes: 21 }));
      const map = column(row, 'SpanAttributes') as Record<string, string>;
      expect(Object.keys(map)).toEqual(numbered('k', 20).map((a) => a.key));
      expect(map['k3']).toBe('last');
    });
  });
});

test('one hostile fixture gives the same rows, verdicts and counts through JSON, the transcoder and the protobuf tree', () => {
  const limits = decodeLimits({ nowMs: NOW_MS, retentionDays: 7, maxFutureSeconds: 86_400, maxAttributes: 8 });
  const long = [...numbered('k', 30), { key: 'k2', value: { stringValue: 'again' } }, { key: 'k40', value: { stringValue: 'x' } }];
  const request = makeJsonRequest({}, { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }, ...numbered('r', 10)] });
  spansOf(request).length = 0;
  Object.values(DATED_SPANS).forEach(({ span }, i) => {
    const attributes = i % 2 === 0 ? long.slice(0, 6).concat(long.slice(30)) : long;
    spansOf(request).push({ ...(spansOf(makeJsonRequest(span))[0] as object), spanId: `00000000000000${String(i + 1).padStart(2, '0')}`, attributes });
  });
  const viaJson = ENCODINGS[0]![1](request, limits);
  const viaTranscoder = ENCODINGS[1]![1](request, limits);
  const tree = decodeRequest(toProtobuf(request), 'protobuf');
  const viaTree = normalizeRequest(tree.tree, tree.leaves, limits);
  expect(viaJson.rows.spans).toBe(1);
  expect(viaJson.rejected).toBe(Object.keys(DATED_SPANS).length - 1);
  for (const other of [viaTranscoder, viaTree]) {
    expect(text(other)).toBe(text(viaJson));
    expect(other.rejections).toEqual(viaJson.rejections);
    expect(other.droppedAttributes).toEqual(viaJson.droppedAttributes);
    expect(other.rows.probe).toEqual(viaJson.rows.probe);
  }
});

describe('OTLP/JSON only', () => {
  const normalizeJson = ENCODINGS[0]![1];

  test('a trace id that is not hex rejects its span', () => {
    expect(normalizeJson(makeJsonRequest({ traceId: 'z'.repeat(32) })).rejections).toHaveProperty('invalid_trace_id');
  });

  test('lone surrogates become U+FFFD', () => {
    const [row] = rowsOf(normalizeJson(makeJsonRequest({ attributes: [{ key: '\ud800k', value: { stringValue: 'v' } }] })));
    expect(column(row, 'SpanAttributes')).toEqual({ '\ufffdk': 'v' });
  });

  test.each([
    ['resourceSpans is not a list', { resourceSpans: {} }, 'resourceSpans: expected an array'],
    ['a span is a string', { resourceSpans: [{ scopeSpans: [{ spans: ['x'] }] }] }, 'resourceSpans[0].scopeSpans[0].spans[0]: expected an object'],
    ['an int attribute is not an integer', makeJsonRequest({ attributes: [{ key: 'k', value: { intValue: '1.5' } }] }), 'spans[0].attributes[0].value.intValue: expected a 64-bit integer'],
    ['a start time is a word', makeJsonRequest({ startTimeUnixNano: 'soon' }), 'spans[0].startTimeUnixNano: expected'],
    ['a name is a number, even with invalid ids', makeJsonRequest({ name: 5, traceId: '' }), 'spans[0].name: expected a string'],
  ])('refuses the whole request when %s, naming the field', (_name, request, message) => {
    expect(() => normalizeJson(request)).toThrow(MalformedRequest);
    expect(() => normalizeJson(request)).toThrow(message);
  });
});

describe('OTLP protobuf only', () => {
  test.each([
    ['truncated', (b: Buffer) => b.subarray(0, b.length - 3)],
    ['a length past the end', (b: Buffer) => Buffer.concat([Buffer.from([0x0a, 0xff, 0x7f]), b])],
    ['an unsupported wire type', (b: Buffer) => Buffer.concat([b, Buffer.from([0x0f])])],
  ])('refuses a %s body as malformed', (_name, corrupt) => {
    expect(() => normalizeBody(corrupt(toProtobuf(makeJsonRequest())), 'protobuf')).toThrow(MalformedRequest);
  });

  test('refuses invalid UTF-8 in strings, as protobufjs does', () => {
    const body = toProtobuf(makeJsonRequest({ name: 'ab' }));
    const at = body.indexOf(Buffer.from('ab'));
    body[at] = 0xc3;
    body[at + 1] = 0x28;
    expect(() => normalizeBody(body, 'protobuf')).toThrow(/not valid UTF-8/);
    expect(() => decodeRequest(body, 'protobuf')).toThrow(MalformedRequest);
  });

  test('fields of an unknown number or wire type are skipped', () => {
    const known = toProtobuf(makeJsonRequest());
    // Field 99 (varint) appended to the request: ignored by both decoders.
    const extended = Buffer.concat([known, Buffer.from([0x98, 0x06, 0x01])]);
    expect(text(normalizeBody(extended, 'protobuf'))).toBe(text(normalizeBody(known, 'protobuf')));
  });
});
