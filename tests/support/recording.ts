/**
 * A recording decorator over a real Store (openTestStore): each insert's rows are
 * recorded as they are handed to the store, then really inserted, so a test can
 * assert both on what was sent and on what landed in otel_traces.
 */
import type { Store } from '../../storage/store';

export interface RecordingStore extends Store {
  /** Each insert's bytes (Native blocks), in the order they were handed to the store (stored or not). */
  inserts: Buffer[];
  pings: number;
}

/** Records each insert and ping, then hands it to the real store underneath. */
export function recording(store: Store): RecordingStore {
  const recorder: RecordingStore = {
    inserts: [],
    pings: 0,
    client: store.client,
    background: store.background,
    reader: store.reader,
    database: store.database,
    sql: store.sql,
    engine: store.engine,
    insertRows: async (table, columns, chunks, batchKey) => {
      recorder.inserts.push(Buffer.concat(chunks));
      await store.insertRows(table, columns, chunks, batchKey);
    },
    ping: async () => {
      recorder.pings++;
      await store.ping();
    },
    close: () => store.close(),
  };
  return recorder;
}
