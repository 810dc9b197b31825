/**
 * A SQL request's whole work ends within the execution limit and as soon as its
 * client goes away (issue 12, item 14): the reader is free again, the query
 * leaves system.processes, and the engine's work never stalls the event loop,
 * even when the work happens while the query is planned (a scalar subquery, a
 * constant expression folded by the planner).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { queryRows, startTestServer, stopTestServer, type TestServer } from '../support/server';

let server: TestServer;

beforeAll(async () => {
  // One reader, so that a query still holding it would keep every other one waiting.
  server = await startTestServer({ sqlMaxRows: 1e12, sqlMaxExecutionSeconds: 60, sqlMaxConcurrent: 1 });
});
afterAll(async () => {
  await stopTestServer(server);
});

function post(target: TestServer, query: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${target.uiUrl}/api/v1/sql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ query, format: 'csv' }), ...(signal ? { signal } : {}) });
}

/** Queries in the engine's process list whose text contains `fragment`, this poll aside. */
async function running(fragment: string): Promise<number> {
  const rows = await queryRows<{ n: string }>(server.store.client, 'SELECT count() AS n FROM system.processes WHERE position(query, {f:String}) > 0 AND query_id != queryID()', { f: fragment });
  return Number(rows[0]!.n);
}

async function waitFor(condition: () => Promise<boolean>, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (await condition()) return true;
    await delay(100);
  }
  return condition();
}

/** Starts a query, waits until the engine runs it, lets it run a second, and walks away. */
async function abandonAfterASecond(query: string, fragment: string): Promise<void> {
  const abandon = new AbortController();
  const response = post(server, query, abandon.signal).catch(() => undefined);
  expect(await waitFor(async () => (await running(fragment)) > 0, 10_000)).toBe(true);
  await delay(1000);
  abandon.abort();
  await response;
}

/** The reader is free: with one reader, a trivial query is answered at once. */
async function expectReaderFree(): Promise<void> {
  const started = Date.now();
  const next = await post(server, 'SELECT 42 AS answer');
  expect(await next.text()).toBe('"answer"\n42\n');
  expect(Date.now() - started).toBeLessThan(5000);
}

test('a SELECT whose scalar subquery is slow is cancelled when its client goes away', async () => {
  const fragment = 'numbers(1000000000000)';
  await abandonAfterASecond(`SELECT (SELECT sum(number) FROM ${fragment}) AS n`, fragment);
  await expectReaderFree();
  expect(await waitFor(async () => (await running(fragment)) === 0, 5000)).toBe(true);
});

test('a streamed SELECT abandoned before its first row is cancelled', async () => {
  const fragment = 'numbers(1000000000001)';
  await abandonAfterASecond(`SELECT sum(number) FROM ${fragment}`, fragment);
  await expectReaderFree();
  expect(await waitFor(async () => (await running(fragment)) === 0, 5000)).toBe(true);
});

test('an EXPLAIN that runs a slow subquery is cancelled when its client goes away', async () => {
  const fragment = 'numbers(1000000000002)';
  await abandonAfterASecond(`EXPLAIN PIPELINE SELECT (SELECT sum(number) FROM ${fragment}) AS n`, fragment);
  await expectReaderFree();
  expect(await waitFor(async () => (await running(fragment)) === 0, 5000)).toBe(true);
});

describe('with a 1 s execution limit', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ sqlMaxRows: 1e12, sqlMaxExecutionSeconds: 1, sqlMaxConcurrent: 1 });
  });
  afterAll(async () => {
    await stopTestServer(limited);
  });

  test.each([
    ['a streamed SELECT', 'SELECT sum(number) FROM numbers(1000000000003)', 'numbers(1000000000003)'],
    ['a SELECT with a slow scalar subquery', 'SELECT (SELECT sum(number) FROM numbers(1000000000004)) AS n', 'numbers(1000000000004)'],
    ['a DESCRIBE that runs a slow subquery', 'DESCRIBE (SELECT (SELECT sum(number) FROM numbers(1000000000005)) AS n)', 'numbers(1000000000005)'],
  ])('%s ends at the limit and leaves no process behind', async (_name, query, fragment) => {
    const started = Date.now();
    const response = await post(limited, query);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { clickhouseCode?: string } }).error.clickhouseCode).toBe('159');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await waitFor(async () => (await running(fragment)) === 0, 3000)).toBe(true);
  });
});

describe('the event loop keeps turning while the engine plans', () => {
  /**
   * The longest gap between /healthz answers while `work` ran, and how long it ran. The
   * server runs in this process, so a stalled event loop stalls this loop too, whether a
   * request was in flight or not: a loop blocked by the engine would leave one gap as
   * long as the whole query.
   */
  async function healthzGapsDuring(work: Promise<unknown>): Promise<{ worst: number; elapsed: number; answers: number }> {
    let finished = false;
    void work.finally(() => (finished = true));
    const started = Date.now();
    let worst = 0;
    let answers = 0;
    let last = started;
    while (!finished) {
      expect((await fetch(`${server.uiUrl}/healthz`)).status).toBe(200);
      answers++;
      await delay(50);
      worst = Math.max(worst, Date.now() - last);
      last = Date.now();
    }
    return { worst, elapsed: Date.now() - started, answers };
  }

  test.each([
    ['a scalar subquery of seconds', 'SELECT (SELECT sum(number) FROM numbers(10000000000)) AS n'],
    ['a constant folded for seconds', 'SELECT arrayFold((acc, x) -> acc + x, range(150000), toUInt64(0)) AS n'],
  ])('%s', async (_name, query) => {
    const answered = post(server, query).then(async (response) => ({ status: response.status, text: await response.text() }));
    const gaps = await healthzGapsDuring(answered);
    expect((await answered).status).toBe(200);
    // Relative to the query's own time, so a loaded machine (slower query, slower
    // answers) does not fail it: the loop answered many times, never stalled for most of it.
    expect(gaps.elapsed).toBeGreaterThan(1000);
    expect(gaps.answers).toBeGreaterThanOrEqual(5);
    expect(gaps.worst).toBeLessThan(gaps.elapsed / 2);
  });
});
