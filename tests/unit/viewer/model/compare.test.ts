import type { Span } from '../../../../viewer/api/types';
import { compareTraces, descendantCounts, visibleCompareNodes } from '../../../../viewer/model/compare';
import { makeApiSpan } from '../../../support/api-spans';

const MS = 1_000_000;
const span = (spanId: string, parentSpanId: string, service: string, name: string, startMs: number, durationMs: number): Span =>
  makeApiSpan({ spanId, parentSpanId, service, name, startNs: String(1e12 + startMs * MS), durationNs: String(durationMs * MS) });

//  A                                   B
//  api GET /checkout 100ms             api GET /checkout 180ms
//   ├─ db SELECT ×2 (10+10)             ├─ db SELECT ×3 (10+10+10)      count +1
//   ├─ cache get 5                      ├─ pay charge 90                 added
//   │   └─ cache redis 2  (unchanged)   │
//   └─ auth check 20                    └─ auth check 21                (1ms: noise)
//                                       (cache get gone)                 removed
const A = [
  span('a1', '', 'api', 'GET /checkout', 0, 100),
  span('a2', 'a1', 'db', 'SELECT', 1, 10),
  span('a3', 'a1', 'db', 'SELECT', 12, 10),
  span('a4', 'a1', 'cache', 'get', 30, 5),
  span('a5', 'a4', 'cache', 'redis', 31, 2),
  span('a6', 'a1', 'auth', 'check', 40, 20),
];
const B = [
  span('b1', '', 'api', 'GET /checkout', 0, 180),
  span('b2', 'b1', 'db', 'SELECT', 1, 10),
  span('b3', 'b1', 'db', 'SELECT', 12, 10),
  span('b4', 'b1', 'db', 'SELECT', 23, 10),
  span('b5', 'b1', 'pay', 'charge', 35, 90),
  span('b6', 'b1', 'auth', 'check', 130, 21),
];

test('paths are merged by service + operation; added, removed, count and duration differences', () => {
  const r = compareTraces({ traceId: 'a', spans: A }, { traceId: 'b', spans: B });
  const row = (n: (typeof r.nodes)[number]): string => `${'  '.repeat(n.depth)}${n.service}/${n.operation} ${n.presence} ${n.a.count}→${n.b.count} ${n.durationDeltaNs}${n.changed ? ' *' : ''}`;
  expect(r.nodes.map(row)).toEqual([
    `api/GET /checkout both 1→1 ${80 * MS} *`,
    `  db/SELECT both 2→3 ${10 * MS} *`,
    `  cache/get removed 1→0 ${-5 * MS} *`,
    `    cache/redis removed 1→0 ${-2 * MS} *`,
    `  auth/check both 1→1 ${1 * MS}`,
    `  pay/charge added 0→1 ${90 * MS} *`,
  ]);
  expect(r.nodes[1]!.a.durationNs).toBe(String(20 * MS));
  expect(r.nodes[1]!.b.durationNs).toBe(String(30 * MS));
  expect(r.summary).toEqual({ added: 1, removed: 2, changed: 2, unchanged: 1 });
  expect(r.a).toMatchObject({ traceId: 'a', rootService: 'api', rootOperation: 'GET /checkout', durationNs: String(100 * MS), spanCount: 6 });
  expect(r.b.spanCount).toBe(6);
});

test('ancestors of changes stay open; unchanged subtrees fold, and a fold can be toggled', () => {
  const a = [span('r', '', 'api', 'GET', 0, 100), span('x', 'r', 'svc', 'same', 0, 50), span('y', 'x', 'svc', 'leaf', 0, 10), span('z', 'r', 'svc', 'deep', 60, 30), span('w', 'z', 'db', 'q', 60, 10)];
  const b = [...a.slice(0, 4), span('w', 'z', 'db', 'q', 60, 10), span('v', 'z', 'db', 'new', 75, 5)];
  const r = compareTraces({ traceId: 'a', spans: a }, { traceId: 'b', spans: b });
  const names = (nodes: typeof r.nodes): string[] => nodes.map((n) => n.operation);
  expect(names(r.nodes)).toEqual(['GET', 'same', 'leaf', 'deep', 'q', 'new']);
  expect(r.nodes.map((n) => n.changedBelow)).toEqual([true, false, false, true, false, false]);
  // "same" has nothing changed under it: folded, its leaf hidden; "deep" holds the change.
  expect(names(visibleCompareNodes(r.nodes))).toEqual(['GET', 'same', 'deep', 'q', 'new']);
  expect(names(visibleCompareNodes(r.nodes, new Set([1])))).toEqual(['GET', 'same', 'leaf', 'deep', 'q', 'new']);
  expect(names(visibleCompareNodes(r.nodes, new Set([0])))).toEqual(['GET']);
  expect(names(visibleCompareNodes(r.nodes, new Set(), true))).toEqual(['GET', 'same', 'leaf', 'deep', 'q', 'new']);
  expect(descendantCounts(r.nodes)).toEqual([5, 1, 0, 2, 0, 0]);
});

test('small duration moves are noise; a move of 20% of the larger and 1% of the trace is a change', () => {
  const pair = (aMs: number, bMs: number): boolean => {
    const r = compareTraces(
      { traceId: 'a', spans: [span('r', '', 's', 'root', 0, 1000), span('c', 'r', 's', 'c', 0, aMs)] },
      { traceId: 'b', spans: [span('r', '', 's', 'root', 0, 1000), span('c', 'r', 's', 'c', 0, bMs)] },
    );
    return r.nodes[1]!.changed;
  };
  expect(pair(100, 119)).toBe(false);
  expect(pair(100, 125)).toBe(true);
  expect(pair(100, 80)).toBe(true);
  // 20% of 5 ms, but under 1% of the 1 s trace.
  expect(pair(5, 7)).toBe(false);
});

test('a trace compared with itself has no changes', () => {
  const r = compareTraces({ traceId: 'a', spans: A }, { traceId: 'a', spans: A });
  expect(r.nodes.every((n) => !n.changed && !n.changedBelow && n.presence === 'both')).toBe(true);
  expect(r.summary).toEqual({ added: 0, removed: 0, changed: 0, unchanged: 5 });
});

test('model warnings of each trace are kept, named by side', () => {
  const r = compareTraces({ traceId: 'a', spans: [span('x', 'gone', 's', 'op', 0, 1)] }, { traceId: 'b', spans: A });
  expect(r.warnings).toEqual(['A: 1 span(s) reference a parent that is not in the trace; they are shown as roots']);
  expect(r.nodes[0]).toMatchObject({ presence: 'removed', operation: 'op' });
});
