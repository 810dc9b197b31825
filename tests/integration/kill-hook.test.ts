/** The crash tests' hook: SIGKILL right after the n-th stored insert, never before, never for a failed one. */
import { killAfterInserts } from '../../cmd/kill-hook';
import { SPAN_COLUMNS } from '../../storage/columns';
import { TRACES_TABLE } from '../../storage/schema';
import { recording, type RecordingStore } from '../support/recording';
import { spanRows } from '../support/span-rows';
import { closeTestStore, openTestStore, storedSpans } from '../support/test-store';

/** The hook wraps a real store on embedded chDB, which records what it is handed. */
let inner: RecordingStore;
beforeEach(async () => {
  inner = recording(await openTestStore());
});
afterEach(() => closeTestStore(inner));

test('kills the process right after its n-th insert is stored, and only then', async () => {
  const kill = jest.spyOn(process, 'kill').mockImplementation(() => true);
  try {
    const store = killAfterInserts(inner, 2);
    const [a, b] = [spanRows(1, 'a'), spanRows(1, 'b')];
    await store.insertRows(TRACES_TABLE, SPAN_COLUMNS, [a.data], 'a');
    expect(kill).not.toHaveBeenCalled();
    await store.insertRows(TRACES_TABLE, SPAN_COLUMNS, [b.data], 'b');
    expect(inner.inserts).toEqual([a.data, b.data]);
    expect(await storedSpans(inner)).toBe(2);
    expect(kill).toHaveBeenCalledWith(process.pid, 'SIGKILL');
    // Everything else is the store's own.
    await store.ping();
    expect(inner.pings).toBe(1);
    expect(store.database).toBe(inner.database);
  } finally {
    kill.mockRestore();
  }
});

test('a failed insert does not count', async () => {
  const kill = jest.spyOn(process, 'kill').mockImplementation(() => true);
  try {
    const failing = { ...inner, insertRows: () => Promise.reject(new Error('refused')) };
    await expect(killAfterInserts(failing, 1).insertRows(TRACES_TABLE, SPAN_COLUMNS, [], 'x')).rejects.toThrow('refused');
    expect(kill).not.toHaveBeenCalled();
  } finally {
    kill.mockRestore();
  }
});
