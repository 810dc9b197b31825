/**
 * The FaultyStore the integration tests inject failures with: its errors must be
 * read as the real failures are (storage/store-errors.ts), or those tests would
 * show nothing about the real ones.
 */
import { classifyStoreError } from '../../../storage/store-errors';
import { FaultyStore } from '../../support/faulty-store';
import { recordingStore } from '../../support/recording-store';

const failure = async (attempt: Promise<unknown>): Promise<{ blame: string; code: string; retryable: boolean; message: string }> => {
  try {
    await attempt;
  } catch (err) {
    const { blame, error } = classifyStoreError(err);
    return { blame, code: error.code, retryable: error.retryable, message: error.message };
  }
  throw new Error('expected a failure');
};

test('healthy, it is the store it wraps', async () => {
  const inner = recordingStore();
  const store = new FaultyStore(inner);
  await store.insertRows('otel_traces', [], [Buffer.from('row')], 'k');
  await store.ping();
  expect(inner.inserts).toEqual(['row']);
  expect(inner.pings).toBe(1);
  expect([store.database, store.engine]).toEqual(['otel', 'embedded']);
});

test('unreachable: inserts and pings fail as a refused connection, which blames the store', async () => {
  const inner = recordingStore();
  const store = new FaultyStore(inner);
  store.set('unreachable');
  expect(await failure(store.insertRows('otel_traces', [], [Buffer.from('row')], 'k'))).toMatchObject({ blame: 'store', retryable: true, message: expect.stringContaining('ECONNREFUSED') });
  await expect(store.ping()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  store.set(undefined);
  await store.ping();
  expect(inner.inserts).toEqual([]);
});

test('refusing: pings answer, inserts fail as a read-only table does', async () => {
  const store = new FaultyStore(recordingStore());
  store.set('refusing');
  await store.ping();
  expect(await failure(store.insertRows('otel_traces', [], [Buffer.from('row')], 'k'))).toMatchObject({ blame: 'store', retryable: true, message: expect.stringContaining('TABLE_IS_READ_ONLY') });
});

test('poison rows: only an insert holding the marker fails, with the given ClickHouse error', async () => {
  const inner = recordingStore();
  const store = new FaultyStore(inner);
  store.setPoison({ marker: 'guilty', code: '27', type: 'CANNOT_PARSE_INPUT_ASSERTION_FAILED' });
  await store.insertRows('otel_traces', [], [Buffer.from('innocent')], 'a');
  expect(await failure(store.insertRows('otel_traces', [], [Buffer.from('x'), Buffer.from('a guilty row')], 'b'))).toMatchObject({ blame: 'rows', retryable: false });
  expect(inner.inserts).toEqual(['innocent']);
});
