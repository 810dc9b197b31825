import type { Span } from '../../../../viewer/api/types';
import { buildTree, offsetOf, shiftWarning, visibleRows } from '../../../../viewer/model/trace-tree';
import { makeApiSpan } from '../../../support/api-spans';

const T0 = 1_700_000_000_000_000_000n;

/** A span factory: id, parent, start and duration in ms relative to T0. */
function makeSpan(spanId: string, parentSpanId: string, startMs: number, durationMs: number, overrides: Partial<Span> = {}): Span {
  return makeApiSpan({
    spanId,
    parentSpanId,
    name: `op ${spanId}`,
    startNs: String(T0 + BigInt(startMs) * 1_000_000n),
    durationNs: String(durationMs * 1_000_000),
    ...overrides,
  });
}

// Shapes drawn as the tests read them:
//   a ─┬─ b ─── d
//      └─ c
test('children are ordered by start, depth-first, with depth and duration', () => {
  const tree = buildTree([makeSpan('c', 'a', 5, 2), makeSpan('d', 'b', 2, 1), makeSpan('a', '', 0, 10), makeSpan('b', 'a', 1, 3)]);
  expect(tree.nodes.map((n) => `${n.span.spanId}@${n.depth}`)).toEqual(['a@0', 'b@1', 'd@2', 'c@1']);
  expect(tree.depth).toBe(3);
  expect(tree.durationNs).toBe(10_000_000);
  expect(tree.startNs).toBe(T0);
  expect(tree.warnings).toEqual([]);
});

//   a          x (parent "gone" is missing)
test('orphans are shown as roots and flagged', () => {
  const tree = buildTree([makeSpan('a', '', 0, 10), makeSpan('x', 'gone', 1, 1)]);
  expect(tree.roots.map((r) => r.span.spanId)).toEqual(['a', 'x']);
  expect(tree.byId.get('x')!.orphan).toBe(true);
  expect(tree.warnings[0]).toMatch(/1 span\(s\) reference a parent that is not in the trace/);
});

//   a [0..10]
//    └─ b [8..15]   ends after its parent
test('a child outside its parent is kept and flagged as clock skew', () => {
  const tree = buildTree([makeSpan('a', '', 0, 10), makeSpan('b', 'a', 8, 7)]);
  expect(tree.byId.get('b')!.skewed).toBe(true);
  expect(tree.byId.get('a')!.skewed).toBe(false);
  expect(tree.nodes).toHaveLength(2);
  expect(tree.warnings.some((w) => /clock skew/.test(w))).toBe(true);
});

//   a → b → a (a cycle, no root)
test('a parent cycle does not hang and its spans are still shown', () => {
  const tree = buildTree([makeSpan('a', 'b', 0, 1), makeSpan('b', 'a', 0, 1)]);
  expect(tree.nodes.map((n) => n.span.spanId).sort()).toEqual(['a', 'b']);
  expect(tree.warnings.some((w) => /cycle/.test(w))).toBe(true);
});

//   a ─── b        every span stored twice (a trace imported back into the same store)
//   a ─── b
test('identical copies of spans are shown once, with one warning that counts them', () => {
  const once = [makeSpan('a', '', 0, 10, { statusCode: 'Error' }), makeSpan('b', 'a', 1, 3)];
  const tree = buildTree([...once, ...once.map((s) => ({ ...s })), { ...once[1]! }]);
  expect(tree.nodes.map((n) => n.span.spanId)).toEqual(['a', 'b']);
  expect(tree.errorCount).toBe(1);
  expect(tree.warnings).toEqual(['3 spans are stored more than once (identical copies: same span id, start and end); each is shown once']);
});

//   a [0..1]   a [5..7]   one id, two different spans
test('a different span under an id already taken is kept apart from copies in its own warning', () => {
  const tree = buildTree([makeSpan('a', '', 0, 1), makeSpan('a', '', 5, 2), makeSpan('a', '', 0, 1)]);
  expect(tree.nodes).toHaveLength(1);
  expect(tree.warnings).toEqual([
    '1 span is stored more than once (identical copies: same span id, start and end); each is shown once',
    '1 span reuses the id of a different span in this trace; the first span with each id is shown',
  ]);
});

test('collapsing a span hides its descendants only', () => {
  const tree = buildTree([makeSpan('a', '', 0, 10), makeSpan('b', 'a', 1, 3), makeSpan('d', 'b', 2, 1), makeSpan('c', 'a', 5, 2)]);
  expect(visibleRows(tree, new Set(['b'])).map((n) => n.span.spanId)).toEqual(['a', 'b', 'c']);
  expect(visibleRows(tree, new Set(['a'])).map((n) => n.span.spanId)).toEqual(['a']);
  expect(visibleRows(tree, new Set()).map((n) => n.span.spanId)).toEqual(['a', 'b', 'd', 'c']);
});

test('a 50,000-span chain builds without recursion limits, and errors are counted', () => {
  const spans = Array.from({ length: 50_000 }, (_, i) => makeSpan(`s${i}`, i === 0 ? '' : `s${i - 1}`, i, 50_000 - i, i % 1000 === 0 ? { statusCode: 'Error' } : {}));
  const tree = buildTree(spans);
  expect(tree.depth).toBe(50_000);
  expect(tree.errorCount).toBe(50);
});

describe('clock skew: a server span of another service is shifted into its parent, with its descendants', () => {
  const client = (id: string, parent: string, startMs: number, durationMs: number, service = 'web'): Span => makeSpan(id, parent, startMs, durationMs, { service, kind: 'Client' });
  const server = (id: string, parent: string, startMs: number, durationMs: number, service = 'api'): Span => makeSpan(id, parent, startMs, durationMs, { service, kind: 'Server' });
  const at = (tree: ReturnType<typeof buildTree>, id: string): [number, number] => [tree.byId.get(id)!.start / 1e6, tree.byId.get(id)!.end / 1e6];

  //   root web [0..100]
  //    └─ call web [10..60]
  //         └─ handle api [-30..10]  starts 40 ms before its client: its clock is 40 ms behind
  //              └─ query api [-25..0]  same clock: moves with it
  test('a server span that starts before its client moves later by the smallest amount, and the trace is as long as it really was', () => {
    const tree = buildTree([
      makeSpan('root', '', 0, 100, { service: 'web', kind: 'Server' }),
      client('call', 'root', 10, 50),
      server('handle', 'call', -30, 40),
      makeSpan('query', 'handle', -25, 25, { service: 'api' }),
    ]);
    expect(at(tree, 'handle')).toEqual([10, 50]);
    expect(at(tree, 'query')).toEqual([15, 40]);
    expect(tree.byId.get('handle')!.shiftNs).toBe(40_000_000);
    expect(tree.byId.get('query')!.shiftNs).toBe(40_000_000);
    expect(tree.byId.get('handle')!.skewed).toBe(false);
    // Raw, the trace ran from -30 to 100 ms; adjusted it starts at the root.
    expect(tree.startNs).toBe(T0);
    expect(tree.durationNs).toBe(100_000_000);
    expect(tree.warnings).toEqual(["1 server span(s) of another service were shifted into their parent's time range, with their descendants (clock skew; largest shift +40ms)"]);
    expect(shiftWarning(tree.byId.get('handle')!)).toBe('Adjusted for clock skew: start and end shifted by +40ms to fit its parent.');
    expect(shiftWarning(tree.byId.get('root')!)).toBeUndefined();
    // The span keeps its raw times, and its events move with it.
    expect(tree.byId.get('handle')!.span.startNs).toBe(String(T0 - 30_000_000n));
    expect(offsetOf(tree, tree.byId.get('handle')!, String(T0 - 20_000_000n))).toBe(20_000_000);
  });

  //   root web [0..100]
  //    └─ call web [10..60]
  //         └─ handle api [400..440]  ends 380 ms after its client: its clock is ahead
  test('a server span that ends after its client moves earlier, and the trace no longer ends at it', () => {
    const tree = buildTree([makeSpan('root', '', 0, 100, { service: 'web', kind: 'Server' }), client('call', 'root', 10, 50), server('handle', 'call', 400, 40)]);
    expect(at(tree, 'handle')).toEqual([20, 60]);
    expect(tree.byId.get('handle')!.shiftNs).toBe(-380_000_000);
    expect(tree.durationNs).toBe(100_000_000);
    expect(tree.warnings[0]).toMatch(/largest shift -380ms/);
  });

  //   root web [0..100]
  //    └─ call web [10..90]
  //         └─ a api [-50..20]          behind by 60 ms → [10..80]
  //              └─ call-b api [-40..0]  → [20..60]
  //                   └─ b db [100..130]  its own clock, ahead: fitted to the moved call-b → [30..60]
  test('nested skew: each server span is fitted to its parent as already moved', () => {
    const tree = buildTree([
      makeSpan('root', '', 0, 100, { service: 'web', kind: 'Server' }),
      client('call', 'root', 10, 80),
      server('a', 'call', -50, 70),
      client('call-b', 'a', -40, 40, 'api'),
      server('b', 'call-b', 100, 30, 'db'),
    ]);
    expect(at(tree, 'a')).toEqual([10, 80]);
    expect(at(tree, 'call-b')).toEqual([20, 60]);
    expect(at(tree, 'b')).toEqual([30, 60]);
    expect(tree.nodes.every((n) => !n.skewed)).toBe(true);
    expect(tree.durationNs).toBe(100_000_000);
    expect(tree.warnings[0]).toMatch(/^2 server span\(s\)/);
  });

  //   root web [0..100]
  //    └─ call web [10..30]
  //         └─ slow api [5..60]  longer than its client: only its start is moved
  test('a server span longer than its client has only its start moved, and stays flagged', () => {
    const tree = buildTree([makeSpan('root', '', 0, 100, { service: 'web', kind: 'Server' }), client('call', 'root', 10, 20), server('slow', 'call', 5, 55)]);
    expect(at(tree, 'slow')).toEqual([10, 65]);
    expect(tree.byId.get('slow')!.skewed).toBe(true);
  });

  //   root web [0..100]
  //    ├─ inner web [-20..10]      same service: one clock, so flagged, not moved
  //    └─ consume api [90..150]    a consumer of another service may outlive its parent
  test('within one service, or for a span that is not a server span, skew is flagged and not adjusted', () => {
    const tree = buildTree([
      makeSpan('root', '', 0, 100, { service: 'web', kind: 'Server' }),
      makeSpan('inner', 'root', -20, 30, { service: 'web', kind: 'Internal' }),
      makeSpan('consume', 'root', 90, 60, { service: 'api', kind: 'Consumer' }),
    ]);
    expect(tree.byId.get('inner')!.shiftNs).toBe(0);
    expect(tree.byId.get('inner')!.skewed).toBe(true);
    expect(tree.byId.get('consume')!.shiftNs).toBe(0);
    expect(tree.byId.get('consume')!.skewed).toBe(true);
    expect(tree.startNs).toBe(T0 - 20_000_000n);
    expect(tree.durationNs).toBe(170_000_000);
    expect(tree.warnings).toEqual(['2 span(s) start before or end after their parent (clock skew?); not adjusted: same service as the parent, or not a server span']);
  });
});
