/**
 * A real Store for tests of what sits on top of one: embedded chDB in this
 * process's test directory (testDataDir), a database of its own with Hindsight's
 * schema, so its rows really land in otel_traces and can be counted there.
 */
import { makeConfig } from '../../common/config';
import { applySchema, TRACES_TABLE } from '../../storage/schema';
import { openStore, type Store } from '../../storage/store';
import { testDataDir, uniqueDatabase } from './server';

export async function openTestStore(): Promise<Store> {
  const config = makeConfig({ dataDir: testDataDir(), database: uniqueDatabase() });
  const store = openStore(config);
  await applySchema(store.client, { sql: store.sql, retentionDays: config.retentionDays });
  return store;
}

/** Drops the store's database before closing it, so test files leave nothing behind. */
export async function closeTestStore(store: Store): Promise<void> {
  await store.client.command({ query: `DROP DATABASE IF EXISTS ${store.database} SYNC` });
  await store.close();
}

/** `SELECT count()` of the spans stored in the store's otel_traces. */
export async function storedSpans(store: Store): Promise<number> {
  const result = await store.client.query({ query: `SELECT count() AS spans FROM ${store.database}.${TRACES_TABLE}`, format: 'JSONEachRow' });
  const [row] = await result.json<{ spans: string }>();
  return Number(row?.spans);
}
