/**
 * Both encodings through their normalizers: OTLP/JSON through normalizeRequest,
 * protobuf through transcodeProtobuf. Both write Native blocks, whose stored
 * values tests/integration/native-equivalence.test.ts holds to the JSON-row
 * oracle (normalizeRequestToJsonRows) through the engine, on these same
 * fixtures (./requests.ts). Here, each case reads the oracle's rows for the
 * request as that encoding carries it, and checks that the production path gives
 * the same verdicts: stored and rejected counts, reasons, dropped attributes,
 * probe, and day blocks holding every stored span. Every case that protobuf can
 * express runs on both.
 */
import { normalizeBody } from '../../../../collector/otlp/decode';
import { jsonLeaves } from '../../../../collector/otlp/leaves';
import { decodeRequest, normalizeRequest, normalizeRequestToJsonRows } from '../../../../collector/otlp/normalize';
import { partialSuccessMessage } from '../../../../collector/otlp/responses';
import type { JsonRows, NormalizedRequest } from '../../../../collector/otlp/span-rules';
import { MalformedRequest } from '../../../../collector/otlp/malformed';
import { decodeLimits, LAST_STORABLE_NS, type DecodeLimits } from '../../../../collector/otlp/limits';
import { SPAN_COLUMNS } from '../../../../storage/columns';
import { jsonRequest, makeTraces, protobufRequest } from '../../../support/spans';
import {
  CAP_21_LIMITS,
  CAP_4_LIMITS,
  DATED_LIMITS,
  DATED_SPANS,
  EVENTS_AND_LINKS,
  EVERY_ANY_VALUE,
  HOSTILE_STRING,
  hostileFixture,
  lateDuplicate,
  makeJsonRequest,
  NOW_MS,
  numbered,
  overTheCap,
  REJECTED_SPANS,
  spansOf,
  toProtobuf,
} from './requests';

type OracleResult = NormalizedRequest<JsonRows>;

function text(result: OracleResult): string {
  return result.rows.text;
}

function rowsOf(result: OracleResult): unknown[][] {
  return text(result)
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as unknown[]);
}

function column(row: unknown[] | undefined, name: (typeof SPAN_COLUMNS)[number]): unknown {
  return row![SPAN_COLUMNS.indexOf(name)];
}

/** What a decode says besides its rows. */
function verdict(result: NormalizedRequest | OracleResult): unknown {
  return { spans: result.rows.spans, probe: result.rows.probe, rejected: result.rejected, rejections: result.rejections, droppedAttributes: result.droppedAttributes };
}

/** The production result checked against the oracle's verdicts; the oracle's rows returned. */
function checked(production: () => NormalizedRequest, oracle: () => OracleResult): OracleResult {
  const native = production();
  const reference = oracle();
  expect(verdict(native)).toEqual(verdict(reference));
  expect(native.rows.days.reduce((n, day) => n + day.spans, 0)).toBe(native.rows.spans);
  expect(native.rows.data.length > 0).toBe(native.rows.spans > 0);
  return reference;
}

const ENCODINGS: [string, (request: unknown, limits?: DecodeLimits) => OracleResult][] = [
  [
    'json',
    (request, limits) =>
      checked(
        () => normalizeRequest(request, jsonLeaves, limits),
        () => normalizeRequestToJsonRows(request, jsonLeaves, limits),
      ),
  ],
  [
    'protobuf',
    (request, limits) => {
      const body = toProtobuf(request);
      return checked(
        () => normalizeBody(body, 'protobuf', limits),
        () => {
          const tree = decodeRequest(body, 'protobuf');
          return normalizeRequestToJsonRows(tree.tree, tree.leaves, limits);
        },
      );
    },
  ],
];

test('the same SDK spans give the same verdicts through the transcoder, the protobuf tree and JSON, and the same oracle rows', () => {
  const { spans } = makeTraces();
  const transcoded = normalizeBody(protobufRequest(spans), 'protobuf');
  const viaJson = normalizeBody(jsonRequest(spans), 'json');
  const tree = decodeRequest(protobufRequest(spans), 'protobuf');
  const viaTree = normalizeRequest(tree.tree, tree.leaves);
  const oracle = normalizeRequestToJsonRows(tree.tree, tree.leaves);
  const jsonTree = decodeRequest(jsonRequest(spans), 'json');
  expect(transcoded.rows.spans).toBe(spans.length);
  expect(transcoded.rejected).toBe(0);
  for (const other of [viaJson, viaTree]) expect(verdict(other)).toEqual(verdict(transcoded));
  expect(verdict(oracle)).toEqual(verdict(transcoded));
  expect(text(normalizeRequestToJsonRows(jsonTree.tree, jsonTree.leaves))).toBe(text(oracle));
  for (const row of rowsOf(oracle)) expect(row).toHaveLength(SPAN_COLUMNS.length);
  expect(transcoded.rows.probe).toBeDefined();
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
    const attributes = EVERY_ANY_VALUE;
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
    const hostile = HOSTILE_STRING;
    const [row] = rowsOf(normalize(makeJsonRequest({ name: hostile, attributes: [{ key: hostile, value: { stringValue: hostile } }] })));
    expect(column(row, 'SpanName')).toBe(hostile);
    expect(column(row, 'SpanAttributes')).toEqual({ [hostile]: hostile });
  });

  test('events and links fill their Nested columns', () => {
    const [row] = rowsOf(normalize(makeJsonRequest(EVENTS_AND_LINKS)));
    expect(column(row, 'Events.Name')).toEqual(['e1', 'e2']);
    expect(column(row, 'Events.Attributes')).toEqual([{ k: '1' }, {}]);
    expect(column(row, 'Links.TraceId')).toEqual(['0102030405060708090a0b0c0d0e0f10']);
    expect(column(row, 'Links.SpanId')).toEqual(['0102030405060708']);
    expect(column(row, 'Links.TraceState')).toEqual(['a=b']);
    expect(column(row, 'Links.Attributes')).toEqual([{ l: 'true' }]);
  });

  test.each(REJECTED_SPANS)('rejects one span with %s and keeps the others', (_name, override, reason) => {
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
    const limits = DATED_LIMITS;

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
    const limits = CAP_4_LIMITS;

    test('keeps the first entries of every list, counts the rest and still stores the span', () => {
      const request = overTheCap();
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
      const [row] = rowsOf(normalize(lateDuplicate(), CAP_21_LIMITS));
      const map = column(row, 'SpanAttributes') as Record<string, string>;
      expect(Object.keys(map)).toEqual(numbered('k', 20).map((a) => a.key));
      expect(map['k3']).toBe('last');
    });
  });
});

test('one hostile fixture gives the same verdicts and counts through JSON, the transcoder and the protobuf tree, and the same oracle rows', () => {
  const { request, limits } = hostileFixture();
  const viaJson = ENCODINGS[0]![1](request, limits);
  const viaProtobuf = ENCODINGS[1]![1](request, limits);
  const tree = decodeRequest(toProtobuf(request), 'protobuf');
  const viaTree = normalizeRequest(tree.tree, tree.leaves, limits);
  expect(viaJson.rows.spans).toBe(1);
  expect(viaJson.rejected).toBe(Object.keys(DATED_SPANS).length - 1);
  expect(text(viaProtobuf)).toBe(text(viaJson));
  for (const other of [viaProtobuf, viaTree]) expect(verdict(other)).toEqual(verdict(viaJson));
});

test.each(['json', 'protobuf'] as const)('%s: spans on two days are two day blocks, each with its own spans; rejected spans on other days leave none', (encoding) => {
  const DAY_NS = 86_400n * 10n ** 9n;
  const start = 1_700_000_000_000_000_000n;
  const request = makeJsonRequest();
  spansOf(request).length = 0;
  const span = (spanId: string, startNs: bigint, traceId = '5b8efff798038103d269b633813fc60c'): unknown =>
    spansOf(makeJsonRequest({ traceId, spanId, startTimeUnixNano: String(startNs), endTimeUnixNano: String(startNs) }))[0];
  spansOf(request).push(span('0000000000000001', start + DAY_NS), span('0000000000000002', start), span('0000000000000003', start + DAY_NS + 1n));
  // Rejected on days of their own: by their ids, or by a link after the span is written.
  spansOf(request).push(span('0000000000000004', start + 5n * DAY_NS, '0'.repeat(32)), {
    ...(span('0000000000000005', start + 6n * DAY_NS) as object),
    links: [{ traceId: 'ab', spanId: '0102030405060708' }],
  });
  const body = encoding === 'json' ? Buffer.from(JSON.stringify(request)) : toProtobuf(request);
  const { rows, rejected } = normalizeBody(body, encoding);
  const day = Number(start / DAY_NS);
  expect(rejected).toBe(2);
  expect(rows.days.map((d) => [d.day, d.spans])).toEqual([
    [day, 1],
    [day + 1, 2],
  ]);
  expect([rows.days[0]!.start, rows.days[0]!.end === rows.days[1]!.start, rows.days[1]!.end]).toEqual([0, true, rows.data.length]);
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
    expect(normalizeBody(extended, 'protobuf').rows.data).toEqual(normalizeBody(known, 'protobuf').rows.data);
  });
});
