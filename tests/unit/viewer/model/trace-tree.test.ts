import type { Span } from '../../../../viewer/api/types';
import { buildTree, visibleRows } from '../../../../viewer/model/trace-tree';
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
