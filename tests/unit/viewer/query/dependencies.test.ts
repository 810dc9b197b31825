import { dependencyMap, LIVE_MAX_SECONDS, liveWindow, serviceCalls } from '../../../../viewer/query/dependencies';

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

test('a messaging edge leaves a broker: an external node, whichever edge names it first', () => {
  const latency: [number, number, number] = [1e6, 2e6, 3e6];
  const map = dependencyMap(
    [
      { parent: 'kafka orders', child: 'billing', kind: 'messaging', calls: '3', errors: '1', latency },
      { parent: 'orders', child: 'kafka orders', kind: 'external', calls: '1', errors: '0', latency },
    ],
    { startNs: ns(END - 60), endNs: ns(END) },
  );
  expect(map.nodes).toEqual([
    { id: 'billing', kind: 'service', calls: 3, errors: 1, requestRate: 3 / 60 },
    { id: 'kafka orders', kind: 'external', calls: 1, errors: 0, requestRate: 1 / 60 },
    { id: 'orders', kind: 'service', calls: 0, errors: 0, requestRate: 0 },
  ]);
  expect(map.edges.map((e) => e.kind)).toEqual(['messaging', 'external']);
});
