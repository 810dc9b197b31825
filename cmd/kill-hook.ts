/**
 * The crash tests' hook (--test-kill-after-inserts, a hidden option): the process
 * kills itself with SIGKILL right after its n-th insert is stored and before any of
 * that insert's requests is acknowledged or journaled as stored, the worst moment
 * for a crash. A store decorator, so that nothing on the write path knows of it.
 */
import type { Store } from '../storage/store';

export function killAfterInserts(store: Store, inserts: number): Store {
  let left = inserts;
  // Each member named, not spread: a store that is a class (FaultyStore) keeps its fields in getters.
  return {
    client: store.client,
    background: store.background,
    reader: store.reader,
    database: store.database,
    sql: store.sql,
    engine: store.engine,
    ping: () => store.ping(),
    close: () => store.close(),
    insertRows: async (...insert) => {
      await store.insertRows(...insert);
      if (--left === 0) process.kill(process.pid, 'SIGKILL');
    },
  };
}
