/**
 * The crash tests' hook (--test-kill-after-inserts, a hidden option): the process
 * kills itself with SIGKILL right after its n-th insert is stored and before any of
 * that insert's requests is acknowledged or journaled as stored, the worst moment
 * for a crash. A store decorator, so that nothing on the write path knows of it.
 */
import type { Store } from '../storage/store';

export function killAfterInserts(store: Store, inserts: number): Store {
  let left = inserts;
  return {
    ...store,
    insertRows: async (...insert) => {
      await store.insertRows(...insert);
      if (--left === 0) process.kill(process.pid, 'SIGKILL');
    },
  };
}
