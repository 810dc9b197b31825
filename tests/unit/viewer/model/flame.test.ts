import type { Span } from '../../../../viewer/api/types';
import { ancestry, buildFlame, frameAt, matchingFrames, placeFrames, zoomRange } from '../../../../viewer/model/flame';
import { buildTree } from '../../../../viewer/model/trace-tree';
import { makeApiSpan } from '../../../support/api-spans';

const span = (spanId: string, parentSpanId: string, name: string, start: number, duration: number, service = 's'): Span =>
  makeApiSpan({ spanId, parentSpanId, name, service, startNs: String(1_000 + start), durationNs: String(duration) });

//  root [0..100]
//   ├─ work  [10..30]   ┐ two spans of one path: one frame, self 20 + 20
//   ├─ work  [40..60]   ┘
//   │   └─ db [45..55]
//   └─ cache [70..75]   (other service)
const SPANS = [span('r', '', 'root', 0, 100), span('w1', 'r', 'work', 10, 20), span('w2', 'r', 'work', 40, 20), span('d', 'w2', 'db', 45, 10), span('c', 'r', 'cache', 70, 5, 'cache')];

test('sibling spans of one path merge; widths are self time of the subtree, children stacked left to right by start', () => {
  const g = buildFlame(buildTree(SPANS));
  const byName = Object.fromEntries(g.frames.map((f) => [f.name, f]));
  expect(g.frames).toHaveLength(4);
  expect(byName['work']).toMatchObject({ depth: 1, spanIds: ['w1', 'w2'], selfNs: 30, width: 40, x: 0 });
  expect(byName['db']).toMatchObject({ depth: 2, selfNs: 10, width: 10, x: 0 });
  expect(byName['cache']).toMatchObject({ depth: 1, service: 'cache', width: 5, x: 40 });
  // The root's own time (100 - 20 - 20 - 5 = 55) is what stays uncovered of it.
  expect(byName['root']).toMatchObject({ selfNs: 55, width: 100, x: 0 });
  expect(g.total).toBe(100);
  expect(g.depth).toBe(3);
  expect(g.rows.map((r) => r.map((id) => g.frames[id]!.name))).toEqual([['root'], ['work', 'cache'], ['db']]);
});

test('a path is its service and operation under its parent frame: the same operation under two parents is two frames, and names never run together', () => {
  const g = buildFlame(
    buildTree([
      span('r', '', 'root', 0, 100),
      span('a', 'r', 'a', 0, 40),
      span('b', 'r', 'b', 50, 40),
      span('xa', 'a', 'x', 10, 10),
      span('xb', 'b', 'x', 60, 10),
      // Service "s" with operation "q\u0000t" against service "s\u0000q" with operation "t".
      span('n1', 'r', 'q\u0000t', 91, 1, 's'),
      span('n2', 'r', 't', 93, 1, 's\u0000q'),
    ]),
  );
  const xs = g.frames.filter((f) => f.name === 'x');
  expect(xs.map((f) => [g.frames[f.parent]!.name, f.spanIds])).toEqual([
    ['a', ['xa']],
    ['b', ['xb']],
  ]);
  expect(g.frames.filter((f) => f.depth === 1)).toHaveLength(4);
});

test('parallel children never overflow their parent: widths add up', () => {
  const g = buildFlame(buildTree([span('r', '', 'root', 0, 10), span('a', 'r', 'a', 0, 10), span('b', 'r', 'b', 0, 10)]));
  const [root, a, b] = g.frames;
  expect(root!.width).toBe(a!.width + b!.width);
  expect(b!.x).toBe(a!.x + a!.width);
});

test('a click finds its frame by depth and position; gaps find none', () => {
  const g = buildFlame(buildTree(SPANS));
  expect(frameAt(g, 1, 39.9)?.name).toBe('work');
  expect(frameAt(g, 1, 42)?.name).toBe('cache');
  expect(frameAt(g, 1, 45)).toBeUndefined();
  expect(frameAt(g, 2, 5)?.name).toBe('db');
  expect(frameAt(g, 2, 20)).toBeUndefined();
  expect(frameAt(g, 9, 0)).toBeUndefined();
});

test('zoom: the frame fills the width, its ancestors span it, frames outside are left out', () => {
  const g = buildFlame(buildTree(SPANS));
  const work = g.frames.find((f) => f.name === 'work')!;
  expect(zoomRange(g, work.id)).toEqual([0, 40]);
  expect(zoomRange(g, undefined)).toEqual([0, 100]);
  expect(ancestry(g, g.frames.find((f) => f.name === 'db')!.id).map((id) => g.frames[id]!.name)).toEqual(['root', 'work', 'db']);
  const placed = placeFrames(g, work.id, 400);
  expect(placed.map((p) => [p.frame.name, p.left, p.width])).toEqual([
    ['root', 0, 400],
    ['work', 0, 400],
    ['db', 0, 100],
  ]);
  // Unzoomed at 10 px, cache (5 of 100) is half a pixel: drawn; at 8 px it is too thin.
  expect(placeFrames(g, undefined, 10).some((p) => p.frame.name === 'cache')).toBe(true);
  expect(placeFrames(g, undefined, 8).some((p) => p.frame.name === 'cache')).toBe(false);
});

test('search marks the frames holding a matching span', () => {
  const g = buildFlame(buildTree(SPANS));
  expect([...matchingFrames(g, new Set(['w2']))].map((id) => g.frames[id]!.name)).toEqual(['work']);
  expect(matchingFrames(g, new Set()).size).toBe(0);
});

test('a 50,000-deep chain builds without overflowing the stack', () => {
  const spans = Array.from({ length: 50_000 }, (_, i) => span(`s${i}`, i === 0 ? '' : `s${i - 1}`, `op${i % 3}`, i, 100_000 - 2 * i));
  const g = buildFlame(buildTree(spans));
  expect(g.depth).toBe(50_000);
  expect(g.total).toBe(100_000);
});
