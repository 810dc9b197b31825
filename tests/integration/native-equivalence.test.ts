/**
 * The Native writers against the JSON-row oracle, through the engine: for every
 * fixture the decoder tests use, the spans the protobuf walk (transcode.ts), the
 * OTLP/JSON path and protobufjs's tree write as Native blocks are inserted into a
 * table of otel_traces' schema, the oracle's JSONCompactEachRow rows (the rows the
 * decoders wrote before Native) into another, and the stored rows are compared
 * column by column. The verdicts (counts, reasons, dropped attributes, probe) are
 * compared too, and a request refused on one path is refused on the others.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { protobufLeaves } from '../../collector/otlp/leaves';
import { MAX_ANY_VALUE_DEPTH, type DecodeLimits } from '../../collector/otlp/limits';
import { MalformedRequest } from '../../collector/otlp/malformed';
import { decodeRequest, normalizeJson, normalizeJsonToJsonRows, normalizeRequest, normalizeRequestToJsonRows } from '../../collector/otlp/normalize';
import type { JsonRows, NormalizedRequest } from '../../collector/otlp/span-rules';
import { transcodeProtobuf } from '../../collector/otlp/transcode';
import { TRACES_TABLE } from '../../storage/schema';
import type { Store } from '../../storage/store';
import { deepJsonRequest, deepProtobufRequest } from '../support/deep';
import { jsonRequest, makeSimpleTrace, makeTraces, protobufRequest } from '../support/spans';
import { closeTestStore, openTestStore } from '../support/test-store';
import {
  CAP_21_LIMITS,
  CAP_4_LIMITS,
  DATED_LIMITS,
  DATED_SPANS,
  DAY_NS,
  EVENTS_AND_LINKS,
  EVERY_ANY_VALUE,
  HOSTILE_STRING,
  hostileFixture,
  lateDuplicate,
  makeJsonRequest,
  overTheCap,
  rejectedAmongValid,
  spansOf,
  START_NS,
  toProtobuf,
  type JsonRequest,
} from '../unit/collector/otlp/requests';

interface Fixture {
  json: Buffer;
  /** The same spans in protobuf, where protobuf can carry them. */
  protobuf: Buffer | undefined;
  limits?: DecodeLimits;
}

function both(request: JsonRequest, limits?: DecodeLimits): Fixture {
  return { json: Buffer.from(JSON.stringify(request)), protobuf: toProtobuf(request), limits };
}

function jsonOnly(request: JsonRequest | string, limits?: DecodeLimits): Fixture {
  return { json: Buffer.from(typeof request === 'string' ? request : JSON.stringify(request)), protobuf: undefined, limits };
}

const HUGE = 'x'.repeat(1 << 20);
const TRACE = '"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"';

/** Spans starting on `days` days, one each, in this order. */
function onDays(days: number[]): JsonRequest {
  const request = makeJsonRequest();
  spansOf(request).length = 0;
  days.forEach((day, i) => {
    const start = String(START_NS + BigInt(day) * DAY_NS);
    spansOf(request).push(spansOf(makeJsonRequest({ spanId: (i + 1).toString(16).padStart(16, '0'), startTimeUnixNano: start, endTimeUnixNano: start }))[0]);
  });
  return request;
}

/** Several resources and scopes: their own service names (or none), scopes without name or version. */
function resourcesAndScopes(): JsonRequest {
  const span = (spanId: string): unknown => spansOf(makeJsonRequest({ spanId }))[0];
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'first' } },
            { key: 'host', value: { stringValue: 'a' } },
          ],
        },
        scopeSpans: [
          { scope: { name: 'one', version: '1.0' }, spans: [span('0000000000000001'), span('0000000000000002')] },
          { spans: [span('0000000000000003')] },
          { scope: { name: 'empty' }, spans: [] },
        ],
      },
      { scopeSpans: [{ scope: { version: 'v' }, spans: [span('0000000000000004')] }] },
      { resource: { attributes: [{ key: 'service.name', value: { intValue: 42 } }] }, scopeSpans: [{ spans: [span('0000000000000005')] }] },
      { resource: { attributes: [{ key: 'service.name', value: { stringValue: '' } }] }, scopeSpans: [{ spans: [span('0000000000000006')] }] },
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'a' } },
            { key: 'service.name', value: { stringValue: 'b' } },
          ],
        },
        scopeSpans: [{ spans: [span('0000000000000007')] }],
      },
      { resource: {}, scopeSpans: [{ spans: [span('0000000000000008')] }] },
    ],
  };
}

const sdk = makeTraces().spans;
const simple = makeSimpleTrace({ children: 3, attributes: { a: [1, 2], b: 'x"y', c: true, d: 1.25, e: ['p', 'q'] } });
const invalidUtf8InJson = Buffer.concat([
  Buffer.from(`{"resourceSpans":[{"scopeSpans":[{"spans":[{${TRACE},"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000000000001","name":"a`),
  Buffer.from([0xc3, 0x28, 0xff]),
  Buffer.from('b"}]}]}]}'),
]);

const FIXTURES: Record<string, Fixture> = {
  'SDK-made spans': { json: jsonRequest(sdk), protobuf: protobufRequest(sdk) },
  'an SDK trace with array, bool, double and quoted attributes': { json: jsonRequest(simple), protobuf: protobufRequest(simple) },
  'kinds, statuses and times': both(makeJsonRequest({ status: { code: 2, message: 'boom' }, kind: 3 })),
  'kind and status names, and numbers past the enums': jsonOnly({
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              { ...(spansOf(makeJsonRequest({ kind: 'SPAN_KIND_CLIENT', status: { code: 'STATUS_CODE_OK' } }))[0] as object) },
              { ...(spansOf(makeJsonRequest({ spanId: '0000000000000009', kind: 9, status: { code: 7 } }))[0] as object) },
            ],
          },
        ],
      },
    ],
  }),
  'upper-case ids and a missing service.name': both(makeJsonRequest({ traceId: '5B8EFFF798038103D269B633813FC60C', parentSpanId: '0102030405060708' }, { attributes: [] })),
  'no resource at all': both(makeJsonRequest({}, undefined)),
  'every AnyValue type, a duplicate key last': both(makeJsonRequest({ attributes: EVERY_ANY_VALUE })),
  'doubles at the edges and bytes': both(
    makeJsonRequest({
      attributes: [
        { key: 'negzero', value: { doubleValue: -0 } },
        { key: 'huge', value: { doubleValue: 1e21 } },
        { key: 'tiny', value: { doubleValue: 5e-324 } },
        { key: 'inf', value: { doubleValue: 'Infinity' } },
        { key: 'nested', value: { arrayValue: { values: [{ doubleValue: 'NaN' }, { doubleValue: 1e-7 }, { bytesValue: '/+8=' }] } } },
        { key: 'nobytes', value: { bytesValue: '' } },
        { key: 'bytes', value: { bytesValue: Buffer.from([0, 255, 128, 10]).toString('base64') } },
      ],
    }),
  ),
  'nested kvlists and arrays': both(
    makeJsonRequest({
      attributes: [
        {
          key: 'tree',
          value: {
            kvlistValue: {
              values: [
                {
                  key: 'b',
                  value: {
                    kvlistValue: {
                      values: [
                        { key: 'y', value: { arrayValue: { values: [{ kvlistValue: {} }, { arrayValue: {} }] } } },
                        { key: 'x', value: {} },
                      ],
                    },
                  },
                },
                { key: 'a', value: { stringValue: 'é"\n' } },
                { key: 'a', value: { intValue: '-1' } },
              ],
            },
          },
        },
      ],
    }),
  ),
  [`an attribute nested ${MAX_ANY_VALUE_DEPTH} deep in arrays`]: { json: deepJsonRequest(MAX_ANY_VALUE_DEPTH, 'arrayValue'), protobuf: deepProtobufRequest(MAX_ANY_VALUE_DEPTH, 'arrayValue') },
  [`an attribute nested ${MAX_ANY_VALUE_DEPTH} deep in kvlists`]: { json: deepJsonRequest(MAX_ANY_VALUE_DEPTH, 'kvlistValue'), protobuf: deepProtobufRequest(MAX_ANY_VALUE_DEPTH, 'kvlistValue') },
  'hostile strings and unicode': both(
    makeJsonRequest(
      { name: HOSTILE_STRING, traceState: 'ü=1', status: { message: '中文 \u{1F600}' }, attributes: [{ key: HOSTILE_STRING, value: { stringValue: HOSTILE_STRING } }] },
      {
        attributes: [{ key: 'service.name', value: { stringValue: 'sérvice 😀' } }],
      },
    ),
  ),
  'empty and huge strings': both(
    makeJsonRequest(
      {
        name: HUGE,
        traceState: '',
        attributes: [
          { key: '', value: { stringValue: '' } },
          { key: 'huge', value: { stringValue: HUGE } },
        ],
        events: [{ timeUnixNano: '1700000000000000002', name: HUGE }],
      },
      {
        attributes: [
          { key: 'service.name', value: { stringValue: 'svc' } },
          { key: 'huge', value: { stringValue: HUGE } },
        ],
      },
    ),
  ),
  'events and links': both(makeJsonRequest(EVENTS_AND_LINKS)),
  'events without names or times, links without state': both(
    makeJsonRequest({
      events: [{}, { name: 'late', timeUnixNano: '1700000000900000000' }, {}],
      links: [{ traceId: '0102030405060708090a0b0c0d0e0f10', spanId: '0102030405060708' }, EVENTS_AND_LINKS.links[0]],
    }),
  ),
  'rejected spans among valid ones': both(rejectedAmongValid()),
  'dated spans, one kept': both(
    (() => {
      const request = makeJsonRequest();
      spansOf(request).length = 0;
      Object.values(DATED_SPANS).forEach(({ span }, i) => spansOf(request).push({ ...(spansOf(makeJsonRequest(span))[0] as object), spanId: `00000000000000${String(i + 1).padStart(2, '0')}` }));
      return request;
    })(),
    DATED_LIMITS,
  ),
  'the hostile fixture: dated spans, long lists, duplicates, a cap of 8': both(hostileFixture().request, hostileFixture().limits),
  'lists past a cap of 4, service.name among the dropped': both(overTheCap(), CAP_4_LIMITS),
  'a duplicate key late in a long list': both(lateDuplicate(), CAP_21_LIMITS),
  'resources and scopes of their own': both(resourcesAndScopes()),
  'spans on 20 days, out of order': both(onDays([3, 7, 19, 0, 12, 5, 1, 2, 4, 6, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18])),
  'lone surrogates (JSON only)': jsonOnly(makeJsonRequest({ name: '\ud800x', attributes: [{ key: '\ud800k', value: { stringValue: 'v\udfff' } }] })),
  'invalid UTF-8 bytes in a JSON body (read as U+FFFD)': { json: invalidUtf8InJson, protobuf: undefined },
  '64-bit integers as bare JSON numbers': jsonOnly(
    `{"resourceSpans":[{"scopeSpans":[{"spans":[{${TRACE},"startTimeUnixNano":1767225600123456789,"endTimeUnixNano": 1767225600123456799,"events":[{"timeUnixNano":1767225600123456790}],"attributes":[` +
      [9007199254740993n, 9223372036854775807n, -9223372036854775808n].map((n, i) => `{"key":"i${i}","value":{"intValue":${n}}}`).join(',') +
      `]}]}]}]}`,
  ),
};

let store: Store;
let dir: string;
const TABLES = ['oracle', 'transcoded', 'json_native', 'tree_native'] as const;
type Table = (typeof TABLES)[number];

beforeAll(async () => {
  store = await openTestStore();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-native-equivalence-'));
  for (const table of TABLES) {
    // Memory: rows dated years ago would otherwise be the TTL's to drop.
    await store.client.command({ query: `CREATE TABLE ${store.database}.${table} AS ${store.database}.${TRACES_TABLE} ENGINE = Memory` });
  }
});

afterAll(async () => {
  await closeTestStore(store);
  fs.rmSync(dir, { recursive: true, force: true });
});

async function insertNative(table: Table, data: Buffer): Promise<void> {
  if (data.length === 0) return;
  const file = path.join(dir, `${table}.native`);
  fs.writeFileSync(file, data);
  await store.client.command({ query: `INSERT INTO ${store.database}.${table} SELECT * FROM file('${file}', Native)` });
}

async function insertJsonRows(table: Table, text: string): Promise<void> {
  if (text.length === 0) return;
  const result = await store.client.exec({ query: `INSERT INTO ${store.database}.${table} FORMAT JSONCompactEachRow`, values: Readable.from([Buffer.from(text)]) });
  result.stream.resume();
}

async function stored(table: Table): Promise<Record<string, unknown>[]> {
  const result = await store.client.query({ query: `SELECT * FROM ${store.database}.${table} ORDER BY SpanId, Timestamp`, format: 'JSONEachRow' });
  return result.json<Record<string, unknown>>();
}

/** What a decode says besides its rows. */
function verdict(result: NormalizedRequest | NormalizedRequest<JsonRows>): unknown {
  return { spans: result.rows.spans, probe: result.rows.probe, rejected: result.rejected, rejections: result.rejections, droppedAttributes: result.droppedAttributes };
}

describe.each(Object.entries(FIXTURES))('%s', (_name, fixture) => {
  test('stores the same rows through every Native writer as the JSON-row oracle', async () => {
    const { json, protobuf, limits } = fixture;
    const oracle = normalizeJsonToJsonRows(json, limits);
    expect(oracle.rows.spans).toBeGreaterThan(0);
    const natives: [Table, NormalizedRequest][] = [['json_native', normalizeJson(json, limits)]];
    if (protobuf !== undefined) {
      natives.push(['transcoded', transcodeProtobuf(protobuf, limits)]);
      const tree = decodeRequest(protobuf, 'protobuf');
      natives.push(['tree_native', normalizeRequest(tree.tree, protobufLeaves, limits)]);
      // The oracle itself reads protobufjs's tree as it reads the JSON.
      expect(normalizeRequestToJsonRows(tree.tree, protobufLeaves, limits).rows.text).toBe(oracle.rows.text);
    }
    for (const table of TABLES) await store.client.command({ query: `TRUNCATE TABLE ${store.database}.${table}` });
    await insertJsonRows('oracle', oracle.rows.text);
    const expected = await stored('oracle');
    expect(expected).toHaveLength(oracle.rows.spans);
    for (const [table, native] of natives) {
      expect(verdict(native)).toEqual(verdict(oracle));
      expect(native.rows.days.reduce((n, d) => n + d.spans, 0)).toBe(native.rows.spans);
      await insertNative(table, native.rows.data);
      const rows = await stored(table);
      expect(rows).toHaveLength(expected.length);
      // Column by column, so that a difference names its column.
      for (const [i, row] of rows.entries()) for (const column of Object.keys(expected[i]!)) expect([table, i, column, row[column]]).toEqual([table, i, column, expected[i]![column]]);
    }
  });
});

test('spans on 20 days are 20 day blocks, ascending, their spans counted', () => {
  const { json, protobuf } = FIXTURES['spans on 20 days, out of order']!;
  for (const rows of [normalizeJson(json).rows, transcodeProtobuf(protobuf!).rows]) {
    expect(rows.days.map((d) => d.spans)).toEqual(Array(20).fill(1));
    const days = rows.days.map((d) => d.day);
    expect(days).toEqual([...days].sort((a, b) => a - b));
    expect(rows.days[0]!.start).toBe(0);
    expect(rows.days.at(-1)!.end).toBe(rows.data.length);
  }
});

test('invalid UTF-8 in a protobuf string is refused by the walk and by protobufjs alike', () => {
  for (const where of ['name', 'attribute key', 'attribute value', 'scope name', 'event name', 'link state', 'status message']) {
    const request = makeJsonRequest(
      {
        name: where === 'name' ? 'ab' : 'op',
        attributes: [{ key: where === 'attribute key' ? 'ab' : 'k', value: { stringValue: where === 'attribute value' ? 'ab' : 'v' } }],
        events: [{ name: where === 'event name' ? 'ab' : 'e' }],
        links: [{ traceId: '0102030405060708090a0b0c0d0e0f10', spanId: '0102030405060708', traceState: where === 'link state' ? 'ab' : 's' }],
        status: { message: where === 'status message' ? 'ab' : 'm' },
      },
      { attributes: [] },
    );
    if (where === 'scope name') (request['resourceSpans'] as { scopeSpans: { scope: { name: string } }[] }[])[0]!.scopeSpans[0]!.scope.name = 'ab';
    const body = toProtobuf(request);
    const at = body.indexOf(Buffer.from('ab'));
    body[at] = 0xc3;
    body[at + 1] = 0x28;
    expect(() => transcodeProtobuf(body)).toThrow(MalformedRequest);
    expect(() => transcodeProtobuf(body)).toThrow(/not valid UTF-8/);
    expect(() => decodeRequest(body, 'protobuf')).toThrow(MalformedRequest);
  }
});
