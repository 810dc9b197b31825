import type { Span } from '../../../../viewer/api/types';
import { criticalPath, pathShares } from '../../../../viewer/model/critical-path';
import { buildTree } from '../../../../viewer/model/trace-tree';
import { makeApiSpan } from '../../../support/api-spans';

/** Spans from an ASCII drawing: one line per span, `name:parent` then its bar of '=' on a 1-unit grid. */
function spansFrom(drawing: string): Span[] {
  return drawing
    .trim()
    .split('\n')
    .map((line) => {
      const [label, bar] = line.split('|');
      const [id, parent = ''] = label!.trim().split(':');
      const start = bar!.indexOf('=');
      const end = bar!.lastIndexOf('=') + 1;
      return makeApiSpan({ spanId: id!, parentSpanId: parent, name: id!, service: 's', startNs: String(1_000_000_000 + start), durationNs: String(end - start) });
    });
}

describe.each([
  [
    'sequential children are all on the path',
    `
a    |==========
b:a  | ===
c:a  |     ====
`,
    'a b a c a',
  ],
  [
    'of parallel children, the one that ends last',
    `
a    |==========
b:a  | ======
c:a  | ===
`,
    'a b a',
  ],
  [
    'nested: the path descends into the last-ending child',
    `
a    |==========
b:a  | ========
c:b  |  ===
d:b  |     ===
`,
    'a b c d b a',
  ],
  [
    'async fire-and-forget: a child starting after its parent ended is off the path',
    `
a    |=====
b:a  | ==
c:a  |        ===
`,
    'a b a',
  ],
  [
    'orphans: the root that ends last carries the path',
    `
a    |====
x:gone|  ======
`,
    'x',
  ],
  [
    'a child ending after its parent (clock skew) is clipped to it',
    `
a    |======
b:a  |   ======
`,
    'a b',
  ],
])('%s', (_name, drawing, expected) => {
  test('critical path', () => {
    const path = criticalPath(buildTree(spansFrom(drawing)));
    expect(path.segments.map((s) => s.spanId).join(' ')).toBe(expected);
    // Segments tile the root's time without overlap.
    for (let i = 1; i < path.segments.length; i++) expect(path.segments[i]!.start).toBe(path.segments[i - 1]!.end);
    for (const s of path.segments) expect(s.selfTime).toBe(s.end - s.start);
  });
});

test('a 50,000-deep chain does not overflow the stack', () => {
  const spans = spansFrom('a    |=');
  for (let i = 1; i < 50_000; i++) spans.push({ ...spans[0]!, spanId: `s${i}`, parentSpanId: i === 1 ? 'a' : `s${i - 1}`, durationNs: '1' });
  expect(criticalPath(buildTree(spans)).spanIds.size).toBe(50_000);
});

test('shares of the path add up to 1, and warnings name skew and orphans', () => {
  const path = criticalPath(
    buildTree(
      spansFrom(`
a    |==========
b:a  | ===
c:a  |     ========
`),
    ),
  );
  const shares = pathShares(path);
  expect([...shares.values()].reduce((x, y) => x + y, 0)).toBeCloseTo(1);
  expect(shares.get('a')).toBeCloseTo(0.2);
  expect(path.warnings.some((w) => /clock skew/.test(w))).toBe(true);
  expect(
    criticalPath(
      buildTree(
        spansFrom(`
a    |====
x:gone|  ======
`),
      ),
    ).warnings.some((w) => /parent/.test(w)),
  ).toBe(true);
});
