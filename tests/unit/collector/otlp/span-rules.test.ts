/**
 * The rules both decode paths judge spans by, and the tally they count them in.
 * That both paths apply them identically is shown in normalize.test.ts.
 */
import { LAST_STORABLE_NS, UNDATED_LIMITS, type DecodeLimits } from '../../../../collector/otlp/limits';
import { judgeSpan, REASON_TEXT, REJECT_REASONS, RequestTally, validParentSpanId, validSpanId, validTraceId, type SpanFacts } from '../../../../collector/otlp/span-rules';
import { AttributeCap } from '../../../../collector/otlp/values';
import { planInserts } from '../../../../collector/ingest/insert-plan';
import { normalizeBody } from '../../../../collector/otlp/decode';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';
const START = 1_700_000_000_000_000_000n;
const DAY_NS = 86_400n * 10n ** 9n;
/** What DayBlocks.finish() gives for a request that stored nothing (the tally does not read it). */
const NO_BLOCKS = { data: Buffer.alloc(0), days: [] };

function facts(overrides: Partial<SpanFacts> = {}): SpanFacts {
  return { traceIdValid: true, spanIdValid: true, parentSpanIdValid: true, start: START, end: START + 1n, lastEvent: 0n, linksValid: true, ...overrides };
}

describe('the ids, as lowercase hex', () => {
  test('a trace id is 16 bytes, not all zero', () => {
    expect(validTraceId(TRACE)).toBe(true);
    for (const invalid of [undefined, '', TRACE.slice(2), '0'.repeat(32)]) expect(validTraceId(invalid)).toBe(false);
  });

  test('a span id is 8 bytes, not all zero', () => {
    expect(validSpanId(SPAN)).toBe(true);
    for (const invalid of [undefined, '', SPAN.slice(2), '0'.repeat(16)]) expect(validSpanId(invalid)).toBe(false);
  });

  test('a parent span id is empty (a root) or 8 bytes, zeros included', () => {
    for (const valid of ['', SPAN, '0'.repeat(16)]) expect(validParentSpanId(valid)).toBe(true);
    for (const invalid of [undefined, 'abababab', TRACE]) expect(validParentSpanId(invalid)).toBe(false);
  });
});

describe('judgeSpan', () => {
  test('keeps a valid span', () => {
    expect(judgeSpan(facts(), UNDATED_LIMITS)).toBeUndefined();
  });

  test.each<[string, Partial<SpanFacts>, string]>([
    ['an invalid trace id', { traceIdValid: false }, 'invalid_trace_id'],
    ['an invalid span id', { spanIdValid: false }, 'invalid_span_id'],
    ['an invalid parent', { parentSpanIdValid: false }, 'invalid_parent_span_id'],
    ['no start time', { start: 0n, end: 0n }, 'invalid_timestamp'],
    ['a start past the last storable time', { start: LAST_STORABLE_NS + 1n, end: LAST_STORABLE_NS + 1n }, 'invalid_timestamp'],
    ['an end past the last storable time', { end: LAST_STORABLE_NS + 1n }, 'invalid_timestamp'],
    ['an event past the last storable time', { lastEvent: LAST_STORABLE_NS + 1n }, 'invalid_timestamp'],
    ['an end before the start', { end: START - 1n }, 'end_before_start'],
    ['an invalid link', { linksValid: false }, 'invalid_link'],
  ])('rejects %s', (_name, overrides, reason) => {
    expect(judgeSpan(facts(overrides), UNDATED_LIMITS)).toBe(reason);
  });

  test('the last storable nanosecond is kept', () => {
    expect(judgeSpan(facts({ start: LAST_STORABLE_NS, end: LAST_STORABLE_NS, lastEvent: LAST_STORABLE_NS }), UNDATED_LIMITS)).toBeUndefined();
  });

  test('dates against the limits, bounds included', () => {
    const limits: DecodeLimits = { ...UNDATED_LIMITS, earliestStartNs: START, latestStartNs: START + 10n };
    expect(judgeSpan(facts({ start: START - 1n }), limits)).toBe('too_old');
    expect(judgeSpan(facts({ start: START + 11n, end: START + 11n }), limits)).toBe('too_far_in_future');
    expect(judgeSpan(facts({ start: START }), limits)).toBeUndefined();
    expect(judgeSpan(facts({ start: START + 10n, end: START + 10n }), limits)).toBeUndefined();
  });

  test('the first rule broken is the reason', () => {
    expect(judgeSpan(facts({ traceIdValid: false, spanIdValid: false, start: 0n }), UNDATED_LIMITS)).toBe('invalid_trace_id');
    expect(judgeSpan(facts({ spanIdValid: false, linksValid: false }), UNDATED_LIMITS)).toBe('invalid_span_id');
    expect(judgeSpan(facts({ end: START - 1n, linksValid: false }), UNDATED_LIMITS)).toBe('end_before_start');
  });

  test('the response names the last storable time that LAST_STORABLE_NS holds', () => {
    expect(REASON_TEXT.invalid_timestamp).toContain('2106-02-07T06:28:15Z');
    expect(Object.keys(REASON_TEXT)).toEqual([...REJECT_REASONS]);
  });
});

describe('RequestTally', () => {
  test('counts stored and refused spans, each reason with its first path', () => {
    const tally = new RequestTally(new AttributeCap(128));
    tally.stored(START);
    tally.refused('too_old', 'spans[1]', 0);
    tally.refused('invalid_link', 'spans[2]', 0);
    tally.refused('too_old', 'spans[3]', 0);
    const result = tally.result(NO_BLOCKS);
    expect(result.rows.spans).toBe(1);
    expect(result.rejected).toBe(3);
    expect(result.rejections).toEqual({ too_old: { count: 2, first: 'spans[1]' }, invalid_link: { count: 1, first: 'spans[2]' } });
    expect(result.droppedAttributes).toBeUndefined();
  });

  test('attributes dropped by a refused span are not counted; those of stored spans are', () => {
    const tally = new RequestTally(new AttributeCap(2));
    tally.cap.keep(5, 'spans[0].attributes');
    tally.stored(START);
    const mark = tally.cap.mark();
    tally.cap.keep(10, 'spans[1].attributes');
    tally.refused('invalid_span_id', 'spans[1]', mark);
    expect(tally.result(NO_BLOCKS).droppedAttributes).toEqual({ count: 3, first: 'spans[0].attributes' });
  });

  test('the probe is the stored span that starts last, the first of equals', () => {
    const tally = new RequestTally(new AttributeCap(128));
    expect(tally.result(NO_BLOCKS).rows.probe).toBeUndefined();
    const store = (spanId: string, start: bigint): boolean => {
      const probe = tally.stored(start);
      if (probe) tally.probeIds(TRACE, spanId);
      return probe;
    };
    expect([store('0000000000000001', START + 5n), store('0000000000000002', START + 9n), store('0000000000000003', START + 9n), store('0000000000000004', START + 1n)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(tally.result(NO_BLOCKS).rows.probe).toEqual([String(START + 9n), TRACE, '0000000000000002']);
  });
});

test('a request cut by day has its probe in the insert that completes it', () => {
  // 20 days, the latest in the middle of the request: more days than one insert takes.
  const days = [3, 7, 19, 0, 12, 5, 1, 2, 4, 6, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18];
  const spans = days.map((day, i) => {
    const start = String(START + BigInt(day) * DAY_NS);
    return { traceId: TRACE, spanId: (i + 1).toString(16).padStart(16, '0'), startTimeUnixNano: start, endTimeUnixNano: start };
  });
  const body = Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }));
  const { rows } = normalizeBody(body, 'json');
  expect(rows.days).toHaveLength(days.length);
  const inserts = planInserts([{ rows, key: 'request', days: rows.days.map((d) => d.day) }]);
  expect(inserts.length).toBeGreaterThan(1);
  const completing = inserts.flat().find((part) => part.completes)!;
  // The probe's day block (one span each here) is among the completing insert's bytes.
  const probeDay = Number(BigInt(rows.probe![0]) / DAY_NS);
  const block = rows.days.find((d) => d.day === probeDay)!;
  expect(block.spans).toBe(1);
  expect(Buffer.concat(completing.data).includes(rows.data.subarray(block.start, block.end))).toBe(true);
});
