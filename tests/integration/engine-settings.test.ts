/**
 * Embedded chDB keeps reads and ingest responsive while it merges or a job catches up:
 * background merges are at most two at once and niced, and the background jobs' queries
 * run on one thread at a lower priority (storage/store.ts).
 */
import type { Store } from '../../storage/store';
import { queryRows } from '../support/server';
import { closeTestStore, openTestStore } from '../support/test-store';

let store: Store;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await closeTestStore(store);
});

test('the engine runs at most two merges at once, on threads niced to 10', async () => {
  const settings = await queryRows<{ name: string; value: string }>(
    store.client,
    "SELECT name, value FROM system.server_settings WHERE name IN ('background_pool_size', 'background_merges_mutations_concurrency_ratio', 'os_threads_nice_value_merge_mutate') ORDER BY name",
  );
  expect(Object.fromEntries(settings.map((s) => [s.name, s.value]))).toEqual({
    background_merges_mutations_concurrency_ratio: '1',
    background_pool_size: '2',
    os_threads_nice_value_merge_mutate: '10',
  });
});

test("background jobs' queries run on one thread at nice 10; the API's on every core at 0", async () => {
  const read = async (client: Store['client']): Promise<{ threads: string; priority: string }> =>
    (await queryRows<{ threads: string; priority: string }>(client, "SELECT toString(getSetting('max_threads')) AS threads, toString(getSetting('os_thread_priority')) AS priority"))[0]!;
  expect(await read(store.background)).toEqual({ threads: '1', priority: '10' });
  expect(await read(store.client)).not.toEqual({ threads: '1', priority: '10' });
  expect((await read(store.client)).priority).toBe('0');
});
