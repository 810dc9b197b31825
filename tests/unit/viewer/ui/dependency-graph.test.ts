import type { DependenciesResponse } from '../../../../viewer/api/types';
import { edgeSearch, graphChange, graphElements, refreshChoice } from '../../../../viewer/ui/src/lib/dependency-graph';

const edge = (parent: string, child: string, kind: 'service' | 'external' | 'messaging', calls: number): DependenciesResponse['edges'][number] => ({
  parent,
  child,
  kind,
  calls,
  errors: 0,
  errorRate: 0,
  p50Ns: 1e6,
  p95Ns: 2e6,
  p99Ns: 3e6,
});
const node = (id: string, kind: 'service' | 'external' = 'service'): DependenciesResponse['nodes'][number] => ({
  id,
  kind,
  calls: 1,
  errors: 0,
  requestRate: 1,
  errorRate: 0,
  counts: kind === 'service' ? 'requests' : 'calls-in',
  callsIn: 1,
  errorsIn: 0,
});

test('each node and each edge (per kind) is one element, named by its ends', () => {
  const elements = graphElements({ nodes: [node('web'), node('kafka orders', 'external')], edges: [edge('web', 'kafka orders', 'external', 4)], windowSeconds: 60 });
  expect(elements.map((e) => [e.group, e.data.id])).toEqual([
    ['nodes', 'web'],
    ['nodes', 'kafka orders'],
    ['edges', 'web→kafka orders→external'],
  ]);
  expect(elements[2]!.data).toMatchObject({ source: 'web', target: 'kafka orders', kind: 'external', label: '4 calls · p99 3ms' });
});

test('a refresh adds what is new, updates what is drawn, removes what is gone, and lays out only for a new element', () => {
  const before = graphElements({ nodes: [node('web'), node('cart')], edges: [edge('web', 'cart', 'service', 1)], windowSeconds: 60 });
  const drawn = new Set(before.map((e) => e.data.id));
  const same = graphChange(drawn, graphElements({ nodes: [node('web'), node('cart')], edges: [edge('web', 'cart', 'service', 9)], windowSeconds: 60 }));
  expect([same.add, same.remove, same.layout]).toEqual([[], [], false]);
  expect(same.update.find((e) => e.data.id === 'web→cart→service')?.data['label']).toBe('9 calls · p99 3ms');

  const grown = graphChange(drawn, graphElements({ nodes: [node('web'), node('pay')], edges: [edge('web', 'pay', 'service', 1)], windowSeconds: 60 }));
  expect(grown.add.map((e) => e.data.id)).toEqual(['pay', 'web→pay→service']);
  expect(grown.remove).toEqual(['cart', 'web→cart→service']);
  expect(grown.layout).toBe(true);
  // A new edge between nodes already drawn changes the layers and the routes: a layout too.
  expect(graphChange(drawn, graphElements({ nodes: [node('web'), node('cart')], edges: [edge('web', 'cart', 'service', 1), edge('cart', 'web', 'service', 1)], windowSeconds: 60 })).layout).toBe(true);
});

test('the refresh menu: a known choice, else every 10 s', () => {
  expect(refreshChoice('off')).toBe('off');
  expect(refreshChoice('5s')).toBe('5s');
  expect(refreshChoice('7s')).toBe('10s');
  expect(refreshChoice(null)).toBe('10s');
});

test("hovering shows the figures: an edge its rate, errors and percentiles, a node its rate, errors, callers and each caller's latency", () => {
  const failing = { ...edge('web', 'cart', 'service', 120), errors: 3, errorRate: 0.025 };
  const cart = { ...node('cart'), calls: 180, errors: 9, requestRate: 3, errorRate: 0.05, callsIn: 120, errorsIn: 3 };
  const elements = graphElements({ nodes: [node('web'), cart], edges: [failing], windowSeconds: 60 });
  expect(String(elements[2]!.data['tip']).split('\n')).toEqual(['web → cart', '2/s · 120 calls', '3 errors (2.5%)', 'p50 1ms · p95 2ms · p99 3ms']);
  expect(String(elements[1]!.data['tip']).split('\n')).toEqual(['cart', '3/s · 180 requests', '9 errors (5.0%)', '120 calls in from its caller', 'from web: p50 1ms · p95 2ms · p99 3ms']);
  // A batch job's root spans, and an external peer's calls in (nothing more to say about its callers).
  const batch = graphElements({
    nodes: [{ ...node('report'), counts: 'roots', calls: 6, errors: 0, requestRate: 0.1 }, node('db', 'external')],
    edges: [edge('report', 'db', 'external', 1)],
    windowSeconds: 60,
  });
  expect(String(batch[0]!.data['tip']).split('\n')).toEqual(['report', '0.1/s · 6 root spans', '0 errors (0.0%)']);
  expect(String(batch[1]!.data['tip']).split('\n')).toEqual(['db', '0.017/s · 1 calls in', '0 errors (0.0%)', 'from report: p50 1ms · p95 2ms · p99 3ms']);
});

test("a service node's colour is its own error rate, whatever its callers' edges say", () => {
  const entry = { ...node('frontend'), calls: 1000, errors: 29, errorRate: 0.029, callsIn: 0 };
  const [drawn] = graphElements({ nodes: [entry], edges: [], windowSeconds: 60 });
  expect(drawn!.data['color']).toBe('#f0a020');
});

test('an edge searches the traces of both its services; an external peer or a broker side is left out', () => {
  expect(edgeSearch({ source: 'web', target: 'cart', kind: 'service' }, '1h').toString()).toBe('service=web&service=cart&lookback=1h');
  expect(edgeSearch({ source: 'payments', target: 'api.stripe.com', kind: 'external' }, '6h').toString()).toBe('service=payments&lookback=6h');
  expect(edgeSearch({ source: 'kafka orders', target: 'shipping', kind: 'messaging' }, '1h').toString()).toBe('service=shipping&lookback=1h');
});
