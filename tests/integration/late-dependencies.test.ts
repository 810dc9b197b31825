/**
 * Spans that arrive after the edge job has covered their minutes (issue 12, item
 * 10), as an exporter's retries after an outage do: their edges appear on the
 * dependency map within a few runs, and a recomputed minute replaces its edges
 * rather than adding to them.
 */
import type { DependenciesResponse } from '../../viewer/api/types';
import { makeSimpleTrace, protobufRequest } from '../support/spans';
import { post } from '../support/http';
import { startTestServer, stopTestServer, type TestServer } from '../support/server';

const MINUTE = 60_000;
/** A late span is handled once it has settled (3 s here, 30 s by default), plus a run or two. */
const LATE_WITHIN_MS = 90_000;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ dependencyIntervalMs: 300, dependencyLateSettleSeconds: 3 });
});
afterAll(async () => {
  await stopTestServer(server);
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A server span in `parent` calling `child`, `minutesAgo` minutes ago. */
async function sendPair(parent: string, child: string, minutesAgo: number): Promise<void> {
  const spans = makeSimpleTrace({ service: parent, childService: child, children: 1, startMs: Date.now() - minutesAgo * MINUTE });
  expect((await post(`${server.httpUrl}/v1/traces`, protobufRequest(spans), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
}

async function calls(): Promise<Map<string, number>> {
  const body = (await (await fetch(`${server.uiUrl}/api/v1/dependencies?lookback=1h`)).json()) as DependenciesResponse;
  return new Map(body.edges.map((e) => [`${e.parent} -> ${e.child}`, e.calls]));
}

async function until(what: string, withinMs: number, check: (edges: Map<string, number>) => boolean): Promise<Map<string, number>> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const edges = await calls();
    if (check(edges)) return edges;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${withinMs} ms; edges: ${JSON.stringify([...edges])}`);
    await sleep(500);
  }
}

test('pairs sent 3 and 20 minutes late reach the dependency map, and recomputed minutes are not counted twice', async () => {
  // On time: the job covers these minutes, up to a minute ago.
  await sendPair('early-parent', 'early-child', 20);
  await sendPair('early-parent', 'early-child', 3);
  await until('the on-time pairs', 30_000, (edges) => edges.get('early-parent -> early-child') === 2);

  // Late, into minutes already covered: one more pair in each, and new services.
  await sendPair('late-parent', 'late-child', 20);
  await sendPair('retry-parent', 'retry-child', 3);
  await sendPair('early-parent', 'early-child', 20);
  await sendPair('early-parent', 'early-child', 3);
  const edges = await until('the late pairs', LATE_WITHIN_MS, (e) => e.has('late-parent -> late-child') && e.has('retry-parent -> retry-child') && e.get('early-parent -> early-child') === 4);
  expect(edges.get('late-parent -> late-child')).toBe(1);
  expect(edges.get('retry-parent -> retry-child')).toBe(1);

  // Later runs recompute nothing more, and nothing is counted twice.
  await sleep(3_000);
  const after = await calls();
  expect([after.get('early-parent -> early-child'), after.get('late-parent -> late-child'), after.get('retry-parent -> retry-child')]).toEqual([4, 1, 1]);
}, 150_000);
