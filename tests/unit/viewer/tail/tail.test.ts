/**
 * The live tail's parts that need no server: stored spans read back from the decoders'
 * own Native blocks, the filters judged on them as the search SQL judges them, and the
 * sampler's accounting.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { normalizeBody } from '../../../../collector/otlp/decode';
import { readSpanBlocks, type SpanBlockView } from '../../../../storage/span-block-reader';
import { attributeFilter } from '../../../../viewer/api/params';
import type { TailSpan } from '../../../../viewer/api/types';
import { BlockFilter, type TailFilter } from '../../../../viewer/tail/filter';
import { TailSampler } from '../../../../viewer/tail/sampler';
import { jsonRequest, makeSimpleTrace, makeTraces, protobufRequest } from '../../../support/spans';

function views(spans: ReadableSpan[], encoding: 'protobuf' | 'json' = 'protobuf'): SpanBlockView[] {
  const body = encoding === 'protobuf' ? protobufRequest(spans) : jsonRequest(spans);
  return readSpanBlocks(normalizeBody(body, encoding).rows);
}

function rowsOf(spans: ReadableSpan[], encoding: 'protobuf' | 'json' = 'protobuf'): { view: SpanBlockView; i: number }[] {
  return views(spans, encoding).flatMap((view) => Array.from({ length: view.rows }, (_, i) => ({ view, i })));
}

describe.each(['protobuf', 'json'] as const)('stored spans read back from %s requests', (encoding) => {
  test('every field the tail sends, as the SDK recorded it', () => {
    const { spans } = makeTraces();
    const read = rowsOf(spans, encoding);
    expect(read).toHaveLength(spans.length);
    for (const span of spans) {
      const found = read.find(({ view, i }) => view.spanId(i) === span.spanContext().spanId);
      expect(found).toBeDefined();
      const { view, i } = found!;
      expect(view.traceId(i)).toBe(span.spanContext().traceId);
      expect(view.name(i)).toBe(span.name);
      expect(view.service(i)).toBe(span.resource.attributes['service.name']);
      expect(view.startNs(i)).toBe(BigInt(span.startTime[0]) * 1_000_000_000n + BigInt(span.startTime[1]));
      expect(view.durationNs(i)).toBe(span.duration[0] * 1e9 + span.duration[1]);
      expect(view.statusCode(i)).toBe(['Unset', 'Ok', 'Error'][span.status.code]);
      expect(view.attribute('resource', i, Buffer.from('service.name'))).toBe(span.resource.attributes['service.name']);
      expect(view.attribute('span', i, Buffer.from('no.such.key'))).toBeUndefined();
    }
  });
});

test('spans on two days are two blocks, each read on its own', () => {
  const day = 86_400_000;
  const spans = [...makeSimpleTrace({ service: 'a', startMs: Date.UTC(2030, 0, 1, 23, 59) }), ...makeSimpleTrace({ service: 'b', startMs: Date.UTC(2030, 0, 1, 23, 59) + day })];
  const blocks = views(spans);
  expect(blocks.map((v) => [v.rows, v.service(0)])).toEqual([
    [1, 'a'],
    [1, 'b'],
  ]);
});

describe('filters, judged on stored bytes as the search SQL judges them', () => {
  const spans = [
    ...makeSimpleTrace({ service: 'shop', name: 'GET /a', durationMs: 80, attributes: { 'app.amount': 450, region: 'eu-west' } }),
    ...makeSimpleTrace({ service: 'shop', name: 'GET /b', durationMs: 20, error: true, attributes: { 'app.amount': '12.5' }, resource: { region: 'us-east' } }),
    ...makeSimpleTrace({ service: 'shop', name: 'GET /c', durationMs: 200, attributes: { 'app.amount': 'lots', note: 'a long note' } }),
    ...makeSimpleTrace({ service: 'other', name: 'GET /a', durationMs: 5 }),
  ];
  const read = rowsOf(spans);
  const names = (filter: Partial<TailFilter>): string[] => {
    const f = new BlockFilter({ attributes: [], ...filter });
    return read
      .filter(({ view, i }) => f.matches(view, i))
      .map(({ view, i }) => `${view.service(i)} ${view.name(i)}`)
      .sort();
  };
  const attr = (...texts: string[]): Partial<TailFilter> => ({ attributes: texts.map((t) => attributeFilter(t)) });

  test.each<[string, Partial<TailFilter>, string[]]>([
    ['no filter', {}, ['other GET /a', 'shop GET /a', 'shop GET /b', 'shop GET /c']],
    ['service', { service: 'shop' }, ['shop GET /a', 'shop GET /b', 'shop GET /c']],
    ['operation', { operation: 'GET /a' }, ['other GET /a', 'shop GET /a']],
    ['status', { status: 'error' }, ['shop GET /b']],
    ['minDuration', { minDurationNs: 80_000_000n }, ['shop GET /a', 'shop GET /c']],
    ['exists, on the span or its resource', attr('region'), ['shop GET /a', 'shop GET /b']],
    ['equal', attr('region=us-east'), ['shop GET /b']],
    ['not equal: present and different', attr('region!=eu-west'), ['shop GET /b']],
    ['contains', attr('note~=long'), ['shop GET /c']],
    ['a number greater: text that is no number never matches', attr('app.amount>12'), ['shop GET /a', 'shop GET /b']],
    ['a number at most', attr('app.amount<=12.5'), ['shop GET /b']],
    ['every filter at once', { service: 'shop', minDurationNs: 50_000_000n, ...attr('app.amount>=450', 'region') }, ['shop GET /a']],
  ])('%s', (_label, filter, expected) => {
    expect(names(filter)).toEqual(expected);
  });

  test('the matched attributes are those the filters name, from the span or else its resource', () => {
    const f = new BlockFilter({ attributes: [attributeFilter('app.amount>1'), attributeFilter('region')] });
    const matched = read.filter(({ view, i }) => f.matches(view, i)).map(({ view, i }) => f.matchedAttributes(view, i));
    expect(matched).toEqual([
      { 'app.amount': '450', region: 'eu-west' },
      { 'app.amount': '12.5', region: 'us-east' },
    ]);
  });
});

describe('the sampler', () => {
  const span = (j: number): TailSpan => ({
    traceId: 't',
    spanId: String(j),
    service: 's',
    name: 'n',
    kind: 'Server',
    startNs: '0',
    durationNs: '0',
    statusCode: 'Unset',
    attributes: {},
    represents: 1,
  });
  const offer = (count: number, total = count) => ({ count, total, summarize: span });
  const sum = (events: TailSpan[]): number => events.reduce((n, e) => n + e.represents, 0);

  test('within the rate every span is an event of its own', () => {
    const sampler = new TailSampler(10);
    const events = sampler.offer(offer(4));
    expect(events.map((e) => [e.spanId, e.represents])).toEqual([
      ['0', 1],
      ['1', 1],
      ['2', 1],
      ['3', 1],
    ]);
  });

  test('past it, evenly spread picks stand for every span', () => {
    const sampler = new TailSampler(3);
    const events = sampler.offer(offer(10));
    expect(events.map((e) => e.spanId)).toEqual(['0', '3', '6']);
    expect(sum(events)).toBe(10);
  });

  test('spans that match while the bucket is empty are carried into the next event, or sent held on a tick', () => {
    const sampler = new TailSampler(2);
    expect(sum(sampler.offer(offer(2)))).toBe(2);
    expect(sampler.offer(offer(5))).toEqual([]);
    expect(sampler.offer(offer(3))).toEqual([]);
    // Half a second refills one token: the last held span goes, standing for the eight.
    const held = sampler.tick(500);
    expect(held).toMatchObject({ spanId: '2', represents: 8 });
    expect(sampler.tick(500)).toBeUndefined();
    expect(sampler.offer(offer(1))).toEqual([expect.objectContaining({ represents: 1 })]);
  });

  test('a sample the store took already stands for all it was taken from', () => {
    const sampler = new TailSampler(100);
    expect(sum(sampler.offer(offer(10, 2500)))).toBe(2500);
  });
});
