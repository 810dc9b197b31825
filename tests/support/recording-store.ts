/** A Store without ClickHouse, for unit tests of what sits on top of one: it records each insert's rows. */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Store } from '../../storage/store';

export interface RecordingStore extends Store {
  /** Each insert's rows, as text, in order. */
  inserts: string[];
  pings: number;
}

export function recordingStore(): RecordingStore {
  const store: RecordingStore = {
    inserts: [],
    pings: 0,
    // Nothing under test queries through it: there is no ClickHouse.
    client: undefined as unknown as ClickHouseClient,
    database: 'otel',
    engine: 'embedded',
    insertRows: async (_table, _columns, chunks) => {
      // Settles later, as a real insert does, so that requests can gather behind it.
      await Promise.resolve();
      store.inserts.push(Buffer.concat(chunks).toString());
    },
    ping: async () => {
      store.pings++;
    },
    close: async () => undefined,
  };
  return store;
}
