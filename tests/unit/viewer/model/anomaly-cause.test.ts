import { causeOf, slowestOf } from '../../../../viewer/model/anomaly-cause';
import { buildTree } from '../../../../viewer/model/trace-tree';
import { makeApiSpan } from '../../../support/api-spans';

const MS = 1_000_000;
/** A span of `service` `name` from `start` to `end` ms, under `parent`. */
const at = (spanId: string, parentSpanId: string, service: string, name: string, start: number, end: number): ReturnType<typeof makeApiSpan> =>
  makeApiSpan({ spanId, parentSpanId, service, name, startNs: String(1_700_000_000_000 * MS + start * MS), durationNs: String((end - start) * MS) });
const usualMs: Record<string, number> = { 'POST /checkout': 300, 'POST /charge': 210, 'stripe.charge': 200, 'SELECT stock': 4 };
const usual = (_service: string, operation: string): number | undefined => (usualMs[operation] === undefined ? undefined : usualMs[operation]! * MS);

describe.each([
  [
    // checkout  |=========================================| 9 s
    //   stock   |=|
    //   charge      |=====================================|
    //     stripe      |=================================|   8.7 s
    'a slow leaf carries the whole excess',
    [
      at('a', '', 'checkout', 'POST /checkout', 0, 9000),
      at('b', 'a', 'checkout', 'SELECT stock', 1, 5),
      at('c', 'a', 'payment', 'POST /charge', 10, 8990),
      at('d', 'c', 'payment', 'stripe.charge', 20, 8720),
    ],
    'd',
    ['a', 'c'],
  ],
  [
    // checkout  |=========================================| 9 s, its own time
    //   stock   |=|
    //   charge      |==|
    'the span itself when its children are as usual',
    [at('a', '', 'checkout', 'POST /checkout', 0, 9000), at('b', 'a', 'checkout', 'SELECT stock', 1, 5), at('c', 'a', 'payment', 'POST /charge', 10, 220)],
    'a',
    [],
  ],
  [
    // checkout  |=========================================| 9 s
    //   charge  |=================|  4 s
    //   charge                    |=================|  4 s: neither carries more than half
    'two parallel halves: neither is the cause',
    [at('a', '', 'checkout', 'POST /checkout', 0, 9000), at('c', 'a', 'payment', 'POST /charge', 0, 4200), at('e', 'a', 'payment', 'POST /charge', 4300, 8500)],
    'a',
    [],
  ],
])('%s', (_name, spans, cause, affected) => {
  test(`cause ${cause}, affected [${affected.join(', ')}]`, () => {
    const tree = buildTree(spans);
    const result = causeOf(slowestOf(tree.nodes, 'checkout', 'POST /checkout')!, usual);
    expect(result.cause.span.spanId).toBe(cause);
    expect(result.affected.map((n) => n.span.spanId)).toEqual(affected);
  });
});

test('a span within its usual duration is its own cause, and slowestOf finds nothing for an absent operation', () => {
  const tree = buildTree([at('a', '', 'checkout', 'POST /checkout', 0, 250), at('d', 'a', 'payment', 'stripe.charge', 10, 240)]);
  expect(causeOf(tree.nodes[0]!, usual).cause.span.spanId).toBe('a');
  expect(slowestOf(tree.nodes, 'checkout', 'GET /nothing')).toBeUndefined();
});
