/**
 * Request shapes that random mutation does not make: values nested 100,000 deep,
 * 64-bit integers sent as bare JSON numbers, lists long enough to make quadratic
 * work show. Each must decode the same way through both encodings, or be refused
 * as malformed (400), never throw anything else.
 */
import { normalizeBody } from '../../../../collector/otlp/decode';
import { decodeRequest, normalizeJsonToJsonRows, normalizeRequestToJsonRows } from '../../../../collector/otlp/normalize';
import { quoteLongIntegers } from '../../../../collector/otlp/json-int64';
import { MAX_ANY_VALUE_DEPTH } from '../../../../collector/otlp/limits';
import { MalformedRequest } from '../../../../collector/otlp/malformed';
import { deepJsonRequest, deepProtobufRequest, type Nesting } from '../../../support/deep';

/**
 * The oracle's JSON rows for the body (protobuf through protobufjs's tree), once
 * the production decode has stored as many spans with the same probe. That both
 * store the same values is tests/integration/native-equivalence.test.ts's to show.
 */
function rows(body: Buffer, encoding: 'json' | 'protobuf'): string {
  const native = normalizeBody(body, encoding);
  const tree = encoding === 'protobuf' ? decodeRequest(body, 'protobuf') : undefined;
  const oracle = tree === undefined ? normalizeJsonToJsonRows(body) : normalizeRequestToJsonRows(tree.tree, tree.leaves);
  expect(native.rows.spans).toBe(oracle.rows.spans);
  expect(native.rows.probe).toEqual(oracle.rows.probe);
  return oracle.rows.text;
}

function refusal(body: Buffer, encoding: 'json' | 'protobuf'): unknown {
  try {
    normalizeBody(body, encoding);
  } catch (err) {
    return err;
  }
  return undefined;
}

describe.each<Nesting>(['arrayValue', 'kvlistValue'])('an attribute nested through %s', (nesting) => {
  test(`${MAX_ANY_VALUE_DEPTH} levels are stored, the same through both encodings`, () => {
    const json = rows(deepJsonRequest(MAX_ANY_VALUE_DEPTH, nesting), 'json');
    expect(json.split('\n')).toHaveLength(2);
    expect(rows(deepProtobufRequest(MAX_ANY_VALUE_DEPTH, nesting), 'protobuf')).toBe(json);
  });

  test.each([MAX_ANY_VALUE_DEPTH + 1, 100_000])('%i levels are refused as malformed, naming the attribute', (levels) => {
    for (const [body, encoding] of [
      [deepJsonRequest(levels, nesting), 'json'],
      [deepProtobufRequest(levels, nesting), 'protobuf'],
    ] as const) {
      const err = refusal(body, encoding);
      expect(err).toBeInstanceOf(MalformedRequest);
      expect((err as Error).message).toBe(`resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value: an AnyValue nests deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
    }
  });
});

describe('64-bit integers as bare JSON numbers', () => {
  const TRACE = '"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"';

  test('a start time above 2^53 keeps every nanosecond', () => {
    const body = Buffer.from(
      `{"resourceSpans":[{"scopeSpans":[{"spans":[{${TRACE},"startTimeUnixNano":1767225600123456789,"endTimeUnixNano": 1767225600123456799,"events":[{"timeUnixNano":1767225600123456790}]}]}]}]}`,
    );
    const [line] = rows(body, 'json').split('\n');
    expect(line!.startsWith('[1767225600123456789,')).toBe(true);
    // Duration and the event time are exact too (rounded, they would be 0 and ...800).
    expect(line).toContain(',10,"Unset"');
    expect(line).toContain('[1767225600123456790]');
  });

  test('int attributes above 2^53 and at the int64 bounds are exact', () => {
    const attributes = [9007199254740993n, 9223372036854775807n, -9223372036854775808n].map((n, i) => `{"key":"i${i}","value":{"intValue":${n}}}`);
    const body = Buffer.from(
      `{"resourceSpans":[{"scopeSpans":[{"spans":[{${TRACE},"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000000000000","attributes":[${attributes.join(',')}]}]}]}]}`,
    );
    expect(rows(body, 'json')).toContain('{"i0":"9007199254740993","i1":"9223372036854775807","i2":"-9223372036854775808"}');
  });

  test.each([
    ['digits inside a string stay as they are', '{"name":"\\"startTimeUnixNano\\":1767225600123456789"}'],
    ['other fields keep their numbers', '{"doubleValue":12345678901234567890,"kind":1234567890123456789}'],
    ['short integers, fractions, exponents and leading zeros are left to JSON.parse', '{"intValue":123,"intValue":1767225600123456789.5,"intValue":1.7e18,"intValue":01767225600123456789}'],
  ])('%s', (_name, text) => {
    expect(quoteLongIntegers(text)).toBe(text);
  });

  test('keys are read as JSON reads them, escapes and spaces included', () => {
    expect(quoteLongIntegers('{"start\\u0054imeUnixNano" : -1767225600123456789 ,"intValue":\n12345678901234567}')).toBe(
      '{"start\\u0054imeUnixNano" : "-1767225600123456789" ,"intValue":\n"12345678901234567"}',
    );
  });
});
