import type { DependencyNode } from '../../../../viewer/api/types';
import { dependencyMap, hourWindow, mergeEdges, withoutHistogram, LIVE_MAX_SECONDS, liveWindow, serviceCalls, type EdgeRow, type ServiceRequestsRow } from '../../../../viewer/query/dependencies';

test("Jaeger's links: calls summed per parent and child, whatever the kind of edge", () => {
  expect(
    serviceCalls([
      { parent: 'web', child: 'shop', calls: '3' },
      { parent: 'web', child: 'shop', calls: '2' },
      { parent: 'shop', child: 'db', calls: '7' },
    ]),
  ).toEqual([
    { parent: 'web', child: 'shop', callCount: 5 },
    { parent: 'shop', child: 'db', callCount: 7 },
  ]);
  expect(serviceCalls([])).toEqual([]);
});

const ns = (seconds: number): bigint => BigInt(seconds) * 1_000_000_000n;
const END = 1_700_003_630; // 30 s into a minute

describe('liveWindow: the minutes the edge job has not covered', () => {
  test('from the watermark to the end of the range, parents an hour back, children five minutes on', () => {
    const w = liveWindow({ startNs: ns(END - 3600), endNs: ns(END) }, END - 90);
    expect(w).toEqual({ liveFrom: END - 90, from: END - 90, to: END + 1, parentFrom: END - 90 - 3600, childTo: END + 1 + 300 });
  });

  test('never before the range starts, nor more than LIVE_MAX_SECONDS before its end', () => {
    expect(liveWindow({ startNs: ns(END - 60), endNs: ns(END) }, END - 3000).liveFrom).toBe(Math.floor((END - 60) / 60) * 60);
    expect(liveWindow({ startNs: ns(END - 86_400), endNs: ns(END) }, END - 86_000).liveFrom).toBe(Math.floor(END / 60) * 60 - LIVE_MAX_SECONDS);
    // Before the job's first run there is no watermark: the bound alone.
    expect(liveWindow({ startNs: ns(END - 86_400), endNs: ns(END) }, undefined).liveFrom).toBe(Math.floor(END / 60) * 60 - LIVE_MAX_SECONDS);
  });

  test('empty, reading no parents either, when the job has covered the whole range', () => {
    const w = liveWindow({ startNs: ns(END - 3600), endNs: ns(END) }, END + 60);
    expect(w.from).toBe(w.to);
    expect(w.parentFrom).toBe(w.from);
    expect(w.liveFrom).toBe(END + 60);
  });
});

describe('hourWindow: the whole hours read from the hourly table', () => {
  const HOUR0 = Math.floor(END / 3600) * 3600; // the hour END falls in
  const live = { liveFrom: END - 90 };
  const rolled = { from: HOUR0 - 48 * 3600, until: HOUR0 };

  test('the whole hours inside the range, up to what the job has rolled up', () => {
    // The range starts 30 s past a minute, partway into an hour: its first whole hour is the next.
    const w = hourWindow({ startNs: ns(END - 86_400), endNs: ns(END) }, rolled, live);
    expect(w).toEqual({ hourFrom: Math.ceil((END - 86_400 - 30) / 3600) * 3600, hourTo: HOUR0 });
    // Not past the roll-up's watermark.
    expect(hourWindow({ startNs: ns(END - 86_400), endNs: ns(END) }, { ...rolled, until: HOUR0 - 7200 }, live).hourTo).toBe(HOUR0 - 7200);
  });

  test('never an hour before the first one rolled up, nor one that reaches the live part', () => {
    expect(hourWindow({ startNs: ns(END - 86_400), endNs: ns(END) }, { ...rolled, from: HOUR0 - 5 * 3600 }, live).hourFrom).toBe(HOUR0 - 5 * 3600);
    expect(hourWindow({ startNs: ns(END - 86_400), endNs: ns(END) }, rolled, { liveFrom: HOUR0 - 1800 }).hourTo).toBe(HOUR0 - 3600);
  });

  test('empty before the first roll-up, and for a range shorter than an hour', () => {
    const none = hourWindow({ startNs: ns(END - 86_400), endNs: ns(END) }, undefined, live);
    expect(none.hourTo).toBe(none.hourFrom);
    const short = hourWindow({ startNs: ns(END - 1800), endNs: ns(END) }, rolled, live);
    expect(short.hourTo).toBe(short.hourFrom);
  });
});

describe('mergeEdges: the stored edges and the live part, one row per edge', () => {
  const web = { parent: 'web', child: 'db', kind: 'external' };
  // floor(8 * log2(1e6)) = 159: the bucket of 1 ms; 8 buckets on, 2 ms.
  const ms1 = 159;
  const ms2 = 167;

  test('calls, errors and histograms added, quantiles read from the sum, the most called first', () => {
    const merged = mergeEdges(
      [
        { ...web, calls: '3', errors: '1', buckets: [ms1], counts: ['3'] },
        { parent: 'web', child: 'api', kind: 'service', calls: '1', errors: '0', buckets: [ms2], counts: ['1'] },
      ],
      [{ ...web, calls: '5', errors: '0', buckets: [ms2], counts: ['5'] }],
    );
    expect(merged.map((e) => [e.parent, e.child, e.kind, e.calls, e.errors])).toEqual([
      ['web', 'db', 'external', '8', '1'],
      ['web', 'api', 'service', '1', '0'],
    ]);
    // 3 calls near 1 ms and 5 near 2 ms: the median is among the 2 ms ones.
    const [p50, , p99] = merged[0]!.latency;
    expect(p50 / 2e6).toBeGreaterThan(0.9);
    expect(p50 / 2e6).toBeLessThan(1.1);
    expect(p99 / 2e6).toBeLessThan(1.1);
  });

  test("an edge with only rows written before the histogram keeps their t-digest's quantiles", () => {
    const old = { ...web, calls: '4', errors: '0', buckets: [], counts: [] };
    expect(withoutHistogram([old])).toBe(true);
    expect(mergeEdges([old], [], [{ ...web, digest: [7e6, 8e6, 9e6] }])[0]!.latency).toEqual([7e6, 8e6, 9e6]);
    // Once the edge has a histogram (here from the live part), the quantiles are the histogram's.
    const mixed = mergeEdges([old], [{ ...web, calls: '1', errors: '0', buckets: [ms1], counts: ['1'] }], [{ ...web, digest: [7e6, 8e6, 9e6] }]);
    expect(mixed[0]!.calls).toBe('5');
    expect(mixed[0]!.latency[0] / 1e6).toBeLessThan(1.1);
  });
});

const latency: [number, number, number] = [1e6, 2e6, 3e6];
const edgeRow = (parent: string, child: string, kind: string, calls: number, errors = 0): EdgeRow => ({ parent, child, kind, calls: String(calls), errors: String(errors), latency });
const served = (service: string, requests: number, requestErrors: number, roots = 0, rootErrors = 0): ServiceRequestsRow => ({
  service,
  requests: String(requests),
  requestErrors: String(requestErrors),
  roots: String(roots),
  rootErrors: String(rootErrors),
});
const MINUTE = { startNs: ns(END - 60), endNs: ns(END) };

test('a messaging edge leaves a broker: an external node, whichever edge names it first', () => {
  const map = dependencyMap([edgeRow('kafka orders', 'billing', 'messaging', 3, 1), edgeRow('orders', 'kafka orders', 'external', 1)], [], MINUTE);
  expect(map.nodes).toEqual([
    { id: 'billing', kind: 'service', calls: 3, errors: 1, requestRate: 3 / 60, errorRate: 1 / 3, counts: 'calls-in', callsIn: 3, errorsIn: 1 },
    { id: 'kafka orders', kind: 'external', calls: 1, errors: 0, requestRate: 1 / 60, errorRate: 0, counts: 'calls-in', callsIn: 1, errorsIn: 0 },
    { id: 'orders', kind: 'service', calls: 0, errors: 0, requestRate: 0, errorRate: 0, counts: 'calls-in', callsIn: 0, errorsIn: 0 },
  ]);
  expect(map.edges.map((e) => e.kind)).toEqual(['messaging', 'external']);
});

describe("a service node: the requests it served, not its callers' calls", () => {
  test('an entry service nobody calls is measured by its server spans, a callee by its own too', () => {
    const map = dependencyMap(
      [edgeRow('frontend', 'cart', 'service', 40, 2), edgeRow('cart', 'postgresql shop', 'external', 90, 9)],
      [served('frontend', 120, 6, 120, 6), served('cart', 50, 2)],
      MINUTE,
    );
    const node = (id: string): DependencyNode => map.nodes.find((n) => n.id === id)!;
    expect(node('frontend')).toEqual({ id: 'frontend', kind: 'service', calls: 120, errors: 6, requestRate: 2, errorRate: 0.05, counts: 'requests', callsIn: 0, errorsIn: 0 });
    // Ten of cart's requests came from outside the map: its node counts all fifty, its edge in the forty.
    expect(node('cart')).toMatchObject({ calls: 50, errors: 2, counts: 'requests', callsIn: 40, errorsIn: 2 });
    // An external peer sends no spans: the calls into it, even when a service of its name had requests.
    expect(node('postgresql shop')).toMatchObject({ kind: 'external', calls: 90, errors: 9, errorRate: 0.1, counts: 'calls-in' });
  });

  test('a service with no server or consumer spans (a batch job) is measured by its root spans', () => {
    const map = dependencyMap([edgeRow('nightly-report', 'postgresql shop', 'external', 500)], [served('nightly-report', 0, 0, 2, 1)], MINUTE);
    expect(map.nodes.find((n) => n.id === 'nightly-report')).toMatchObject({ calls: 2, errors: 1, requestRate: 2 / 60, errorRate: 0.5, counts: 'roots' });
  });

  test('a service with neither, or no row at all, keeps the calls into it', () => {
    const map = dependencyMap([edgeRow('web', 'worker', 'service', 7, 7), edgeRow('web', 'mailer', 'service', 3)], [served('worker', 0, 0), served('web', 10, 0)], MINUTE);
    expect(map.nodes.find((n) => n.id === 'worker')).toMatchObject({ calls: 7, errors: 7, errorRate: 1, counts: 'calls-in' });
    expect(map.nodes.find((n) => n.id === 'mailer')).toMatchObject({ calls: 3, errors: 0, counts: 'calls-in' });
  });

  test("requests served of a service not on the map add no node: the map's nodes are its edges' ends", () => {
    expect(dependencyMap([edgeRow('web', 'cart', 'service', 1)], [served('lonely', 5, 0)], MINUTE).nodes.map((n) => n.id)).toEqual(['cart', 'web']);
  });
});
