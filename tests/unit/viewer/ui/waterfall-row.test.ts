import { buildTree } from '../../../../viewer/model/trace-tree';
import { serviceColor } from '../../../../viewer/ui/src/lib/colors';
import { timeScale } from '../../../../viewer/ui/src/lib/layout';
import { makeApiSpan } from '../../../support/api-spans';
import { rowView, sameParts, SKEW_TITLE, type RowContext } from '../../../../viewer/ui/src/lib/waterfall-row';

const tree = buildTree([
  makeApiSpan({ spanId: 'a', name: 'GET /orders', service: 'api', startNs: '1000000000', durationNs: '100000000' }),
  makeApiSpan({
    spanId: 'b',
    parentSpanId: 'a',
    name: 'SELECT orders',
    service: 'db',
    startNs: '1050000000',
    durationNs: '50000000',
    statusCode: 'Error',
    statusMessage: 'timeout',
    events: [{ name: 'retry', timeNs: '1075000000', attributes: {} }],
  }),
]);
const ctx = (overrides: Partial<RowContext> = {}): RowContext => ({
  tree,
  selected: '',
  matches: new Set(),
  find: '',
  collapsed: new Set(),
  critical: new Set(),
  outliers: new Map(),
  scale: timeScale(tree.durationNs, undefined),
  labelPct: 10,
  names: 400,
  ...overrides,
});
const [root, child] = tree.nodes as [(typeof tree.nodes)[0], (typeof tree.nodes)[0]];

test('a plain row: its name, colour, bar, duration label and expanded state', () => {
  const v = rowView(root, ctx());
  expect(v).toMatchObject({
    spanId: 'a',
    selected: false,
    match: false,
    expanded: true,
    padding: 6,
    depth: undefined,
    color: serviceColor('api'),
    title: 'api: GET /orders',
    service: 'api',
    flags: [],
    error: false,
    left: 0,
    width: 100,
    duration: '100ms',
  });
  expect(v.name).toEqual([{ text: 'GET /orders', match: false }]);
  expect(v.label.side).toBe('inside');
  expect(rowView(child, ctx()).expanded).toBeUndefined();
});

test('selection, matches with the find text marked, the critical path, collapse', () => {
  const v = rowView(child, ctx({ selected: 'b', matches: new Set(['b']), find: 'orders', critical: new Set(['b']) }));
  expect(v).toMatchObject({ selected: true, match: true, critical: true, padding: 6 + 14 });
  expect(v.name).toEqual([
    { text: 'SELECT ', match: false },
    { text: 'orders', match: true },
  ]);
  // A match found in an attribute, not the name, marks the row but nothing in the name.
  expect(rowView(root, ctx({ matches: new Set(['a']), find: 'zzz' })).name).toEqual([{ text: 'GET /orders', match: false }]);
  const collapsed = rowView(root, ctx({ collapsed: new Set(['a']) }));
  expect(collapsed.expanded).toBe(false);
  expect(collapsed.flags).toEqual([{ kind: 'hidden', count: 1 }]);
});

test('flags in their order: error, outlier; event ticks placed along the bar', () => {
  const v = rowView(child, ctx({ outliers: new Map([['b', { z: 4.2, severity: 'major' }]]) }));
  expect(v.error).toBe(true);
  expect(v.flags).toEqual([
    { kind: 'error', title: 'Error: timeout' },
    { kind: 'outlier', severity: 'major', title: 'Slower than usual for this operation: 4.2σ above its baseline' },
  ]);
  expect(v.ticks).toEqual([{ left: 50, title: 'retry' }]);
  expect(v.left).toBe(50);
});

test('a row deeper than the name column indents says its depth', () => {
  const v = rowView({ ...child, depth: 40 }, ctx({ names: 300 }));
  expect(v.depth).toBe(40);
  expect(v.padding).toBe(6 + 40);
  expect(SKEW_TITLE).toMatch(/clock skew/);
});

test('sameParts compares the fields of each item', () => {
  expect(sameParts([{ text: 'a', match: false }], [{ text: 'a', match: false }])).toBe(true);
  expect(sameParts([{ text: 'a', match: false }], [{ text: 'a', match: true }])).toBe(false);
  expect(sameParts([], [{ kind: 'skewed' }])).toBe(false);
  expect(sameParts([{ kind: 'skewed' }], [{ kind: 'hidden', count: 1 }])).toBe(false);
});
