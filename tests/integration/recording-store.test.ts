/** The recording decorator: it records what it is handed, and the real store under it stores it. */
import { SPAN_COLUMNS } from '../../storage/columns';
import { TRACES_TABLE } from '../../storage/schema';
import { recording, type RecordingStore } from '../support/recording';
import { spanRows } from '../support/span-rows';
import { closeTestStore, openTestStore, storedSpans } from '../support/test-store';

let store: RecordingStore;
beforeEach(async () => {
  store = recording(await openTestStore());
});
afterEach(() => closeTestStore(store));

test('records each insert as one text, in order, and the rows land in otel_traces', async () => {
  const [a, b, c] = [spanRows(2, 'a'), spanRows(1, 'b'), spanRows(3, 'c')];
  await store.insertRows(TRACES_TABLE, SPAN_COLUMNS, [a.data, b.data], 'ab');
  await store.insertRows(TRACES_TABLE, SPAN_COLUMNS, [c.data], 'c');
  expect(store.inserts).toEqual([Buffer.concat([a.data, b.data]), c.data]);
  expect(await storedSpans(store)).toBe(6);
});

test('an insert the engine refuses is recorded as handed over, and rejects with the engine error', async () => {
  await expect(store.insertRows(TRACES_TABLE, SPAN_COLUMNS, [Buffer.from('not a row\n')], 'bad')).rejects.toThrow();
  expect(store.inserts).toEqual([Buffer.from('not a row\n')]);
  expect(await storedSpans(store)).toBe(0);
});

test('pings are counted and reach the engine; the rest is the store it wraps', async () => {
  await store.ping();
  await store.ping();
  expect(store.pings).toBe(2);
  expect([store.engine, store.database]).toEqual(['embedded', expect.stringMatching(/^test_[0-9a-f]{32}$/)]);
});
