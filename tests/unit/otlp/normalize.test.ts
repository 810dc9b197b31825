import { decodeRequest } from '../../../collector/otlp/codec';
import { otlpTypes } from '../../../collector/otlp/proto';
import { jsonLeaves } from '../../../collector/otlp/leaves';
import { normalizeRequest, rejectionMessage } from '../../../collector/otlp/normalize';
import { MalformedRequest } from '../../../collector/otlp/malformed';
import { SPAN_COLUMNS } from '../../../collector/store/columns';
import { jsonRequest, makeTraces, protobufRequest } from '../../support/spans';

function rowsOf(text: string): unknown[][] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as unknown[]);
}

/** A minimal OTLP/JSON request with one span, fields overridable. */
function makeJsonRequest(span: Record<string, unknown> = {}, resourceAttributes: unknown[] = []): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }, ...resourceAttributes] },
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

function normalizeJson(request: unknown): ReturnType<typeof normalizeRequest> {
  return normalizeRequest(request, jsonLeaves);
}

describe('normalizeRequest', () => {
  test('the same SDK spans give identical rows through protobuf and JSON', () => {
    const { spans } = makeTraces();
    const viaProtobuf = decodeRequest(protobufRequest(spans), 'protobuf');
    const viaJson = decodeRequest(jsonRequest(spans), 'json');
    const a = normalizeRequest(viaProtobuf.tree, viaProtobuf.leaves);
    const b = normalizeRequest(viaJson.tree, viaJson.leaves);
    expect(a.rows.spans).toBe(spans.length);
    expect(a.rejected).toBe(0);
    expect(b.rows.text).toBe(a.rows.text);
    for (const row of rowsOf(a.rows.text)) expect(row).toHaveLength(SPAN_COLUMNS.length);
  });

  test('maps kinds, statuses and times as the clickhouseexporter does', () => {
    const result = normalizeJson(makeJsonRequest({ status: { code: 2, message: 'boom' }, kind: 'SPAN_KIND_CLIENT' }));
    const [row] = rowsOf(result.rows.text);
    const column = (name: (typeof SPAN_COLUMNS)[number]): unknown => row![SPAN_COLUMNS.indexOf(name)];
    // Nanoseconds stay exact integers in the row text (JSON.parse here would round them).
    expect(result.rows.text.startsWith('[1700000000000000001,')).toBe(true);
    expect(column('SpanKind')).toBe('Client');
    expect(column('StatusCode')).toBe('Error');
    expect(column('StatusMessage')).toBe('boom');
    expect(column('Duration')).toBe(500000001);
    expect(column('ServiceName')).toBe('svc');
    expect(column('ParentSpanId')).toBe('');
  });

  test('ids are lowercased hex and unknown services fall back to unknown_service', () => {
    const request = makeJsonRequest({ traceId: '5B8EFFF798038103D269B633813FC60C' });
    (request['resourceSpans'] as { resource: unknown }[])[0]!.resource = { attributes: [] };
    const [row] = rowsOf(normalizeJson(request).rows.text);
    expect(row![SPAN_COLUMNS.indexOf('TraceId')]).toBe('5b8efff798038103d269b633813fc60c');
    expect(row![SPAN_COLUMNS.indexOf('ServiceName')]).toBe('unknown_service');
  });

  test('stringifies every AnyValue type as the exporter does', () => {
    const attributes = [
      { key: 's', value: { stringValue: 'x' } },
      { key: 'b', value: { boolValue: false } },
      { key: 'i', value: { intValue: '-9223372036854775808' } },
      { key: 'i2', value: { intValue: 7 } },
      { key: 'd', value: { doubleValue: 0.1 } },
      { key: 'nan', value: { doubleValue: 'NaN' } },
      { key: 'bytes', value: { bytesValue: 'AAEC' } },
      { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }, { boolValue: true }, {}] } } },
      { key: 'map', value: { kvlistValue: { values: [{ key: 'z', value: { doubleValue: 1.5 } }, { key: 'a', value: { arrayValue: {} } }] } } },
      { key: 'empty', value: {} },
      { key: 's', value: { stringValue: 'last wins' } },
    ];
    const [row] = rowsOf(normalizeJson(makeJsonRequest({ attributes })).rows.text);
    expect(row![SPAN_COLUMNS.indexOf('SpanAttributes')]).toEqual({
      s: 'last wins',
      b: 'false',
      i: '-9223372036854775808',
      i2: '7',
      d: '0.1',
      nan: 'NaN',
      bytes: 'AAEC',
      arr: '["a",1,true,null]',
      map: '{"a":[],"z":1.5}',
      empty: '',
    });
  });

  test('protobuf values equal to their type default are still told apart from an empty value', () => {
    const request = makeJsonRequest({
      attributes: [
        { key: 'f', value: { boolValue: false } },
        { key: 'zero', value: { intValue: 0 } },
        { key: 'dzero', value: { doubleValue: 0 } },
        { key: 'empty', value: { stringValue: '' } },
        { key: 'none', value: {} },
        { key: 'arr', value: { arrayValue: { values: [{ boolValue: false }, {}, { intValue: 0 }] } } },
      ],
    });
    const type = otlpTypes().ExportTraceServiceRequest;
    const bytes = Buffer.from(type.encode(type.fromObject(JSON.parse(JSON.stringify(request).replace(/"(traceId|spanId)":"([0-9a-f]+)"/g, (_m, k: string, hex: string) => `"${k}":"${Buffer.from(hex, 'hex').toString('base64')}"`)))).finish());
    const viaProtobuf = decodeRequest(bytes, 'protobuf');
    const [row] = rowsOf(normalizeRequest(viaProtobuf.tree, viaProtobuf.leaves).rows.text);
    expect(row![SPAN_COLUMNS.indexOf('SpanAttributes')]).toEqual({ f: 'false', zero: '0', dzero: '0', empty: '', none: '', arr: '[false,null,0]' });
    expect(normalizeJson(request).rows.text).toBe(normalizeRequest(viaProtobuf.tree, viaProtobuf.leaves).rows.text);
  });

  test('hostile strings are carried as data, and lone surrogates become U+FFFD', () => {
    const hostile = '<script>alert("x")</script>\\"\n\u0000';
    const result = normalizeJson(makeJsonRequest({ name: hostile, attributes: [{ key: '\ud800k', value: { stringValue: hostile } }] }));
    const [row] = rowsOf(result.rows.text);
    expect(row![SPAN_COLUMNS.indexOf('SpanName')]).toBe(hostile);
    expect(row![SPAN_COLUMNS.indexOf('SpanAttributes')]).toEqual({ '\ufffdk': hostile });
  });

  test.each([
    ['a short trace id', { traceId: 'abcd' }, 'invalid_trace_id'],
    ['an all-zero trace id', { traceId: '0'.repeat(32) }, 'invalid_trace_id'],
    ['a trace id that is not hex', { traceId: 'z'.repeat(32) }, 'invalid_trace_id'],
    ['a missing span id', { spanId: undefined }, 'invalid_span_id'],
    ['a 9-byte span id', { spanId: 'ab'.repeat(9) }, 'invalid_span_id'],
    ['an all-zero span id', { spanId: '0'.repeat(16) }, 'invalid_span_id'],
    ['a 4-byte parent id', { parentSpanId: 'abababab' }, 'invalid_parent_span_id'],
    ['an end before its start', { endTimeUnixNano: '1700000000000000000' }, 'end_before_start'],
    ['no start time', { startTimeUnixNano: undefined, endTimeUnixNano: undefined }, 'invalid_timestamp'],
    ['a time past 2262', { endTimeUnixNano: '18446744073709551615' }, 'invalid_timestamp'],
    ['a link with a bad id', { links: [{ traceId: 'ab', spanId: 'eee19b7ec3c1b174' }] }, 'invalid_link'],
  ])('rejects one span with %s and keeps the others', (_name, override, reason) => {
    const request = makeJsonRequest(override);
    spansOf(request).push(spansOf(makeJsonRequest())[0]);
    const result = normalizeJson(request);
    expect(result.rows.spans).toBe(1);
    expect(result.rejected).toBe(1);
    expect(Object.keys(result.rejections)).toEqual([reason]);
    expect(rejectionMessage(result)).toContain('resourceSpans[0].scopeSpans[0].spans[0]');
  });

  test.each([
    ['resourceSpans is not a list', { resourceSpans: {} }, 'resourceSpans: expected an array'],
    ['a span is a string', { resourceSpans: [{ scopeSpans: [{ spans: ['x'] }] }] }, 'resourceSpans[0].scopeSpans[0].spans[0]: expected an object'],
    ['an int attribute is not an integer', makeJsonRequest({ attributes: [{ key: 'k', value: { intValue: '1.5' } }] }), 'spans[0].attributes[0].value.intValue: expected a 64-bit integer'],
    ['a start time is a word', makeJsonRequest({ startTimeUnixNano: 'soon' }), 'spans[0].startTimeUnixNano: expected'],
    ['a name is a number', makeJsonRequest({ name: 5 }), 'spans[0].name: expected a string'],
  ])('refuses the whole request when %s, naming the field', (_name, request, message) => {
    expect(() => normalizeJson(request)).toThrow(MalformedRequest);
    expect(() => normalizeJson(request)).toThrow(message);
  });
});
