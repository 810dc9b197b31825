/** The crash tests' hook: SIGKILL right after the n-th stored insert, never before, never for a failed one. */
import { killAfterInserts } from '../../../cmd/kill-hook';
import { recordingStore } from '../../support/recording-store';

test('kills the process right after its n-th insert is stored, and only then', async () => {
  const kill = jest.spyOn(process, 'kill').mockImplementation(() => true);
  try {
    const inner = recordingStore();
    const store = killAfterInserts(inner, 2);
    await store.insertRows('otel_traces', [], [Buffer.from('a')], 'a');
    expect(kill).not.toHaveBeenCalled();
    await store.insertRows('otel_traces', [], [Buffer.from('b')], 'b');
    expect(inner.inserts).toEqual(['a', 'b']);
    expect(kill).toHaveBeenCalledWith(process.pid, 'SIGKILL');
    // Everything else is the store's own.
    await store.ping();
    expect(inner.pings).toBe(1);
    expect(store.database).toBe('otel');
  } finally {
    kill.mockRestore();
  }
});

test('a failed insert does not count', async () => {
  const kill = jest.spyOn(process, 'kill').mockImplementation(() => true);
  try {
    const inner = recordingStore();
    const failing = { ...inner, insertRows: () => Promise.reject(new Error('refused')) };
    await expect(killAfterInserts(failing, 1).insertRows('otel_traces', [], [], 'x')).rejects.toThrow('refused');
    expect(kill).not.toHaveBeenCalled();
  } finally {
    kill.mockRestore();
  }
});
