import type { Span } from '../../../../viewer/api/types';
import { criticalPath } from '../../../../viewer/model/critical-path';
import { selfTimes } from '../../../../viewer/model/self-time';
import { filterStats, sortStats, traceStatistics } from '../../../../viewer/model/trace-stats';
import { buildTree } from '../../../../viewer/model/trace-tree';
import { makeApiSpan } from '../../../support/api-spans';

/** Spans from an ASCII drawing: `id:parent service/op` then a bar of '=' on a 1 ns grid. */
function spansFrom(drawing: string): Span[] {
  return drawing
    .trim()
    .split('\n')
    .map((line) => {
      const [label, bar] = line.split('|');
      const [ids, what = 's/op'] = label!.trim().split(/\s+/);
      const [id, parent = ''] = ids!.split(':');
      const [service, name] = what.split('/');
      const start = bar!.indexOf('=');
      const end = bar!.lastIndexOf('=') + 1;
      return makeApiSpan({ spanId: id!, parentSpanId: parent, service: service!, name: name!, startNs: String(1_000 + start), durationNs: String(end - start) });
    });
}

describe('self time', () => {
  test.each([
    ['sequential children leave the gaps', `a |==========\nb:a | ===\nc:a |     ====`, { a: 3, b: 3, c: 4 }],
    ['overlapping children are counted once', `a |==========\nb:a | ======\nc:a |  ======`, { a: 3, b: 6, c: 6 }],
    ['a child past its parent counts only inside it', `a |=====\nb:a |   =====`, { a: 3, b: 5 }],
    ['a child covering its parent leaves no self time', `a |  ===\nb:a |=======`, { a: 0, b: 7 }],
  ])('%s', (_name, drawing, expected) => {
    expect(Object.fromEntries(selfTimes(buildTree(spansFrom(drawing))))).toEqual(expected);
  });
});

//  api/GET      |==========        critical path: a 0-1, b 1-4, a 4-5, c 5-9, a 9-10
//  db/query     | ===
//  db/query     |     ====
//  cache/get    |  =              (parallel to b, off the path)
const TRACE = `
a     api/GET   |==========
b:a   db/query  | ===
c:a   db/query  |     ====
d:a   cache/get |  =
`;

test('grouped by service and operation: count, total, avg, min, max, self time and critical-path share', () => {
  const tree = buildTree(spansFrom(TRACE));
  const rows = traceStatistics(tree, criticalPath(tree), 'operation');
  const db = rows.find((r) => r.operation === 'query')!;
  expect(db).toMatchObject({ service: 'db', count: 2, totalNs: 7, avgNs: 3.5, minNs: 3, maxNs: 4, selfNs: 7, criticalNs: 7, errors: 0 });
  expect(db.criticalShare).toBeCloseTo(0.7);
  // Longest first: the row's first span is the one to show.
  expect(db.spanIds).toEqual(['c', 'b']);
  const api = rows.find((r) => r.service === 'api')!;
  expect(api).toMatchObject({ count: 1, totalNs: 10, selfNs: 3, criticalNs: 3 });
  expect(rows.find((r) => r.service === 'cache')).toMatchObject({ count: 1, criticalNs: 0, criticalShare: 0 });
  expect(rows.reduce((n, r) => n + r.criticalShare, 0)).toBeCloseTo(1);
});

test('grouped by service, operations of a service are one row', () => {
  const spans = spansFrom(TRACE);
  spans[2] = { ...spans[2]!, name: 'insert', statusCode: 'Error' };
  const tree = buildTree(spans);
  const rows = traceStatistics(tree, criticalPath(tree), 'service');
  expect(rows.map((r) => `${r.service}:${r.operation}:${r.count}:${r.errors}`).sort()).toEqual(['api::1:0', 'cache::1:0', 'db::2:1']);
});

test('sorted by any column, either way, ties by name; filtered by service or operation', () => {
  const tree = buildTree(spansFrom(TRACE));
  const rows = traceStatistics(tree, criticalPath(tree), 'operation');
  expect(sortStats(rows, 'total', true).map((r) => r.service)).toEqual(['api', 'db', 'cache']);
  expect(sortStats(rows, 'total', false).map((r) => r.service)).toEqual(['cache', 'db', 'api']);
  expect(sortStats(rows, 'self', true).map((r) => r.service)).toEqual(['db', 'api', 'cache']);
  expect(sortStats(rows, 'name', false).map((r) => r.service)).toEqual(['api', 'cache', 'db']);
  // count: api and cache both 1, by name.
  expect(sortStats(rows, 'count', true).map((r) => r.service)).toEqual(['db', 'api', 'cache']);
  expect(filterStats(rows, 'QUER').map((r) => r.service)).toEqual(['db']);
  expect(filterStats(rows, ' cache ').map((r) => r.operation)).toEqual(['get']);
  expect(filterStats(rows, '')).toHaveLength(3);
  expect(filterStats(rows, 'nothing')).toEqual([]);
});
