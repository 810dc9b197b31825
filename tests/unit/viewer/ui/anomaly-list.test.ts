import type { AnomalyItem } from '../../../../viewer/api/types';
import { decodeFilters, encodeFilters, exampleLinks, filterItems, groupByCause, servicesOf } from '../../../../viewer/ui/src/lib/anomaly-list';

const item = (overrides: Partial<AnomalyItem>): AnomalyItem => ({
  service: 'payment',
  operation: 'stripe.charge',
  kind: 'span',
  severity: 'critical',
  impact: 1,
  baseline: { p50Ns: 1, p95Ns: 2, errorRate: 0, samples: 100, traces: 100, since: 0, young: false },
  observed: { p50Ns: 1, p95Ns: 2, errorRate: 0, calls: 10 },
  affected: [],
  exampleTraceIds: [],
  examples: [],
  sparkline: [],
  ...overrides,
});

const items = [
  item({ affected: [{ service: 'frontend', operation: 'POST /checkout' }] }),
  item({ service: 'catalog', operation: 'GET /products/{id}', kind: 'window', severity: 'warning' }),
  item({ kind: 'window', severity: 'minor' }),
];

test('filters: a service matches a cause or an affected operation; kind; least severity', () => {
  expect(filterItems(items, { service: 'frontend', kind: '', severity: 'minor' })).toEqual([items[0]]);
  expect(filterItems(items, { service: '', kind: 'window', severity: 'minor' })).toEqual([items[1], items[2]]);
  expect(filterItems(items, { service: '', kind: '', severity: 'warning' })).toEqual([items[0], items[1]]);
  expect(servicesOf(items)).toEqual(['catalog', 'frontend', 'payment']);
});

test('the filters round-trip through the URL, defaults left out, unknown values refused', () => {
  const f = { service: 'catalog', kind: 'window' as const, severity: 'critical' as const };
  expect(decodeFilters(new URLSearchParams(encodeFilters(f)))).toEqual(f);
  expect(encodeFilters({ service: '', kind: '', severity: 'minor' })).toEqual({});
  expect(decodeFilters(new URLSearchParams('kind=bogus&severity=loud'))).toEqual({ service: '', kind: '', severity: 'minor' });
});

test('groups by cause in the order of their first item; examples open on the cause span', () => {
  expect(groupByCause(items).map((g) => [g.cause.operation, g.items.length])).toEqual([
    ['stripe.charge', 2],
    ['GET /products/{id}', 1],
  ]);
  const links = exampleLinks(item({ exampleTraceIds: ['t1', 't2'], examples: [{ traceId: 't1', spanId: 's1' }] }));
  expect(links).toEqual([
    { traceId: 't1', href: '/trace/t1?span=s1' },
    { traceId: 't2', href: '/trace/t2' },
  ]);
});
