/**
 * The FaultyStore the integration tests inject failures with: its errors must be
 * read as the real failures are (storage/store-errors.ts), or those tests would
 * show nothing about the real ones.
 */
import { SPAN_COLUMNS, type SpanRows } from '../../storage/columns';
import { TRACES_TABLE } from '../../storage/schema';
import { classifyStoreError } from '../../storage/store-errors';
import { FaultyStore } from '../support/faulty-store';
import { recording, type RecordingStore } from '../support/recording';
import { spanRows } from '../support/span-rows';
import { closeTestStore, openTestStore, storedSpans } from '../support/test-store';

/** The FaultyStore wraps a real store on embedded chDB, which records what it is handed. */
let inner: RecordingStore;
beforeEach(async () => {
  inner = recording(await openTestStore());
});
afterEach(() => closeTestStore(inner));

/** One insert of the given requests' rows, as the writer makes it. */
const insert = (store: FaultyStore, ...requests: SpanRows[]): Promise<void> =>
  store.insertRows(
    TRACES_TABLE,
    SPAN_COLUMNS,
    requests.map((rows) => rows.data),
    'k',
  );

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
  const store = new FaultyStore(inner);
  const rows = spanRows(1, 'row');
  await insert(store, rows);
  await store.ping();
  expect(inner.inserts).toEqual([rows.data]);
  expect(await storedSpans(inner)).toBe(1);
  expect(inner.pings).toBe(1);
  expect([store.client, store.database, store.engine]).toEqual([inner.client, inner.database, 'embedded']);
});

test('unreachable: inserts and pings fail as a refused connection, which blames the store', async () => {
  const store = new FaultyStore(inner);
  store.set('unreachable');
  expect(await failure(insert(store, spanRows(1, 'row')))).toMatchObject({ blame: 'store', retryable: true, message: expect.stringContaining('ECONNREFUSED') });
  await expect(store.ping()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  store.set(undefined);
  await store.ping();
  expect(inner.inserts).toEqual([]);
  expect(await storedSpans(inner)).toBe(0);
});

test('refusing: pings answer, inserts fail as a read-only table does', async () => {
  const store = new FaultyStore(inner);
  store.set('refusing');
  await store.ping();
  expect(await failure(insert(store, spanRows(1, 'row')))).toMatchObject({ blame: 'store', retryable: true, message: expect.stringContaining('TABLE_IS_READ_ONLY') });
  expect(await storedSpans(inner)).toBe(0);
});

test('poison rows: only an insert holding the marker fails, with the given ClickHouse error', async () => {
  const store = new FaultyStore(inner);
  store.setPoison({ marker: 'guilty', code: '27', type: 'CANNOT_PARSE_INPUT_ASSERTION_FAILED' });
  const innocent = spanRows(1, 'innocent');
  await insert(store, innocent);
  expect(await failure(insert(store, spanRows(1, 'x'), spanRows(1, 'a guilty row')))).toMatchObject({ blame: 'rows', retryable: false });
  expect(inner.inserts).toEqual([innocent.data]);
  expect(await storedSpans(inner)).toBe(1);
});
