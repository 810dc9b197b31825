import type { Span } from '../../../viewer/api/types';
import { criticalPath } from '../../../viewer/model/critical-path';
import { buildTree } from '../../../viewer/model/trace-tree';

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
      return {
        traceId: 'ab'.repeat(16), spanId: id!, parentSpanId: parent, traceState: '', name: id!, kind: 'Internal', service: 's',
        startNs: String(1_000_000_000 + start), durationNs: String(end - start), statusCode: 'Unset', statusMessage: '',
        attributes: {}, resource: {}, scope: { name: '', version: '' }, events: [], links: [],
      };
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
  });
});

test('a 50,000-deep chain does not overflow the stack', () => {
  const spans = spansFrom('a    |=') ;
  for (let i = 1; i < 50_000; i++) spans.push({ ...spans[0]!, spanId: `s${i}`, parentSpanId: i === 1 ? 'a' : `s${i - 1}`, durationNs: '1' });
  expect(criticalPath(buildTree(spans)).spanIds.size).toBe(50_000);
});
