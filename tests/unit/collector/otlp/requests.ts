/**
 * OTLP requests the decoder tests are made of: the unit tests' cases and the
 * Native equivalence test (tests/integration/native-equivalence.test.ts) read the
 * same fixtures, so that every shape the decoders are tested on is also stored
 * through both Native writers and compared with the JSON-row oracle.
 */
import { decodeLimits, LAST_STORABLE_NS, UNDATED_LIMITS, type DecodeLimits } from '../../../../collector/otlp/limits';
import { otlpTypes } from '../../../../collector/otlp/proto';
import type { RejectReason } from '../../../../collector/otlp/span-rules';

export type JsonRequest = Record<string, unknown>;

/** A minimal OTLP/JSON request with one span, fields overridable. */
export function makeJsonRequest(span: Record<string, unknown> = {}, resource: unknown = { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }): JsonRequest {
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

export function spansOf(request: JsonRequest): unknown[] {
  return (request['resourceSpans'] as { scopeSpans: { spans: unknown[] }[] }[])[0]!.scopeSpans[0]!.spans;
}

/** The same request in protobuf, encoded by protobufjs (hex ids become bytes). */
export function toProtobuf(request: unknown): Buffer {
  const hexIdsAsBase64 = JSON.parse(
    JSON.stringify(request).replace(/"(traceId|spanId|parentSpanId)":"([0-9a-fA-F]*)"/g, (_m, k: string, hex: string) => `"${k}":"${Buffer.from(hex, 'hex').toString('base64')}"`),
  ) as Record<string, unknown>;
  const type = otlpTypes().ExportTraceServiceRequest;
  return Buffer.from(type.encode(type.fromObject(hexIdsAsBase64)).finish());
}

/** `count` attributes named prefix0, prefix1, ... with their index as an int value. */
export function numbered(prefix: string, count: number): { key: string; value: { intValue: number } }[] {
  return Array.from({ length: count }, (_, i) => ({ key: `${prefix}${i}`, value: { intValue: i } }));
}

export const NOW_MS = Date.UTC(2026, 0, 1);
const DAY_MS = 86_400_000;

export function nanos(ms: number): string {
  return (BigInt(ms) * 1_000_000n).toString();
}

/** 7 days' retention and a one-day future bound around NOW_MS. */
export const DATED_LIMITS = decodeLimits({ nowMs: NOW_MS, retentionDays: 7, maxFutureSeconds: 86_400, maxAttributes: 128 });

/** Spans dated around NOW_MS, for DATED_LIMITS. */
export const DATED_SPANS: Record<string, { span: Record<string, unknown>; reason: RejectReason | undefined }> = {
  'an hour old': { span: { startTimeUnixNano: nanos(NOW_MS - 3_600_000), endTimeUnixNano: nanos(NOW_MS - 3_599_000) }, reason: undefined },
  'eight days old': { span: { startTimeUnixNano: nanos(NOW_MS - 8 * DAY_MS), endTimeUnixNano: nanos(NOW_MS - 8 * DAY_MS + 1) }, reason: 'too_old' },
  'two days ahead': { span: { startTimeUnixNano: nanos(NOW_MS + 2 * DAY_MS), endTimeUnixNano: nanos(NOW_MS + 2 * DAY_MS + 1) }, reason: 'too_far_in_future' },
  'dated 2106-03-01': { span: { startTimeUnixNano: nanos(Date.UTC(2106, 2, 1)), endTimeUnixNano: nanos(Date.UTC(2106, 2, 1) + 1) }, reason: 'invalid_timestamp' },
  'dated 2150': { span: { startTimeUnixNano: nanos(Date.UTC(2150, 0, 1)), endTimeUnixNano: nanos(Date.UTC(2150, 0, 1) + 1) }, reason: 'invalid_timestamp' },
  'dated 2200': { span: { startTimeUnixNano: nanos(Date.UTC(2200, 0, 1)), endTimeUnixNano: nanos(Date.UTC(2200, 0, 1) + 1) }, reason: 'invalid_timestamp' },
  'ending in 2150': { span: { startTimeUnixNano: nanos(NOW_MS), endTimeUnixNano: nanos(Date.UTC(2150, 0, 1)) }, reason: 'invalid_timestamp' },
  'with an event in 2150': { span: { startTimeUnixNano: nanos(NOW_MS), endTimeUnixNano: nanos(NOW_MS + 1), events: [{ timeUnixNano: nanos(Date.UTC(2150, 0, 1)) }] }, reason: 'invalid_timestamp' },
};

/** Every AnyValue type, nested arrays and kvlists, and a duplicate key whose last value wins. */
export const EVERY_ANY_VALUE = [
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

export const HOSTILE_STRING = '<script>alert("x")</script>\\"\n\u0000\u007f\u2028 é 😀';

/** A span with two events and a link. */
export const EVENTS_AND_LINKS = {
  events: [
    { timeUnixNano: '1700000000100000000', name: 'e1', attributes: [{ key: 'k', value: { intValue: 1 } }] },
    { timeUnixNano: '1700000000200000000', name: 'e2' },
  ],
  links: [{ traceId: '0102030405060708090a0b0c0d0e0f10', spanId: '0102030405060708', traceState: 'a=b', attributes: [{ key: 'l', value: { boolValue: true } }] }],
};

/** Span overrides that each reject their span, and the reason. */
export const REJECTED_SPANS: [string, Record<string, unknown>, RejectReason][] = [
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
];

/** The request of the cap tests: lists longer than a cap of 4 everywhere, service.name fifth on its resource. */
export function overTheCap(): JsonRequest {
  return makeJsonRequest(
    {
      attributes: numbered('a', 130),
      events: [{ timeUnixNano: '1700000000100000000', name: 'e', attributes: numbered('e', 5) }],
      links: [{ traceId: '0102030405060708090a0b0c0d0e0f10', spanId: '0102030405060708', attributes: numbered('l', 7) }],
    },
    { attributes: [...numbered('r', 4), { key: 'service.name', value: { stringValue: 'svc' } }] },
  );
}

export const CAP_4_LIMITS: DecodeLimits = { ...UNDATED_LIMITS, maxAttributes: 4 };

/** A duplicate key within the kept entries of a long list (for a cap of 21). */
export function lateDuplicate(): JsonRequest {
  return makeJsonRequest({ attributes: [...numbered('k', 20), { key: 'k3', value: { stringValue: 'last' } }] });
}

export const CAP_21_LIMITS: DecodeLimits = { ...UNDATED_LIMITS, maxAttributes: 21 };

/** Every dated span with long attribute lists and duplicates, under a cap of 8: one stored, the rest rejected. */
export function hostileFixture(): { request: JsonRequest; limits: DecodeLimits } {
  const limits = decodeLimits({ nowMs: NOW_MS, retentionDays: 7, maxFutureSeconds: 86_400, maxAttributes: 8 });
  const long = [...numbered('k', 30), { key: 'k2', value: { stringValue: 'again' } }, { key: 'k40', value: { stringValue: 'x' } }];
  const request = makeJsonRequest({}, { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }, ...numbered('r', 10)] });
  spansOf(request).length = 0;
  Object.values(DATED_SPANS).forEach(({ span }, i) => {
    const attributes = i % 2 === 0 ? long.slice(0, 6).concat(long.slice(30)) : long;
    spansOf(request).push({ ...(spansOf(makeJsonRequest(span))[0] as object), spanId: `00000000000000${String(i + 1).padStart(2, '0')}`, attributes });
  });
  return { request, limits };
}

/** One valid span after each rejected one. */
export function rejectedAmongValid(): JsonRequest {
  const request = makeJsonRequest();
  spansOf(request).length = 0;
  REJECTED_SPANS.forEach(([, override], i) => {
    spansOf(request).push(spansOf(makeJsonRequest(override))[0], spansOf(makeJsonRequest({ spanId: `00000000000001${String(i).padStart(2, '0')}` }))[0]);
  });
  return request;
}

export const START_NS = 1_700_000_000_000_000_000n;
export const DAY_NS = 86_400n * 10n ** 9n;
export { LAST_STORABLE_NS, UNDATED_LIMITS };
