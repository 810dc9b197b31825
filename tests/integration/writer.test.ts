/**
 * The writer's seams, on a real store (embedded chDB) that records its inserts:
 * built from one options object, it tells its observer (the journal's place) about
 * each insert, before and after.
 */
import { createLogger } from '../../common/log';
import { HindsightError } from '../../common/errors';
import { createMetrics, type Metrics } from '../../common/metrics';
import type { Store } from '../../storage/store';
import { StoreHealth } from '../../collector/ingest/health';
import type { JournaledRequest } from '../../collector/ingest/idempotency';
import { SpanWriter, type InsertObserver } from '../../collector/ingest/writer';
import { recording, type RecordingStore } from '../support/recording';
import { spanRows } from '../support/span-rows';
import { closeTestStore, openTestStore, storedSpans } from '../support/test-store';

const CONFIG = { batchMaxSpans: 1000, batchMaxAgeMs: 5, queueMaxSpans: 10_000, queueMaxBytes: 1 << 20, insertConcurrency: 1 };

let store: RecordingStore;
let health: StoreHealth;
beforeEach(async () => {
  store = recording(await openTestStore());
});
afterEach(async () => {
  health.stop();
  await closeTestStore(store);
});

function writerOver(store: Store, metrics: Metrics = createMetrics(), journal?: InsertObserver): SpanWriter {
  health = new StoreHealth(() => store.ping(), 60_000, createLogger({ logLevel: 'silent' }), metrics);
  return new SpanWriter({ store, config: CONFIG, metrics, health, journal });
}

test('tells its observer about each insert: begin with its requests before, stored with the number begin gave after', async () => {
  const events: string[] = [];
  const journal: InsertObserver = {
    begin: (requests: JournaledRequest[]) => {
      events.push(`begin ${requests.map((r) => `${r.key}:${r.probe?.[2]}`).join(',')} after ${store.inserts.length} inserts`);
      return 7;
    },
    stored: (batch) => events.push(`stored ${batch} after ${store.inserts.length} inserts`),
  };
  const writer = writerOver(store, createMetrics(), journal);
  expect(await writer.write(spanRows(2, 'a'), 'key-a')).toEqual({ kind: 'accepted' });
  expect(events).toEqual(['begin key-a:0000000000000001 after 0 inserts', 'stored 7 after 1 inserts']);
  expect(await storedSpans(store)).toBe(2);
  await writer.close();
});

test('an observer that cannot begin stops the insert, and the request is refused with its error', async () => {
  const full = new HindsightError('HS_STORE_FULL', 'the ingest journal cannot be written: ENOSPC');
  const journal: InsertObserver = {
    begin: () => {
      throw full;
    },
    stored: () => undefined,
  };
  const writer = writerOver(store, createMetrics(), journal);
  expect(await writer.write(spanRows(1, 'b'), 'key-b')).toEqual({ kind: 'retryable', error: full });
  expect(store.inserts).toEqual([]);
  expect(await storedSpans(store)).toBe(0);
  await writer.close();
});

test('without an observer it stores; an empty request is accepted without an insert', async () => {
  const writer = writerOver(store);
  expect(await writer.write(spanRows(0, 'empty'), 'empty')).toEqual({ kind: 'accepted' });
  const rows = spanRows(3, 'c');
  expect(await writer.write(rows, 'key-c')).toEqual({ kind: 'accepted' });
  expect(store.inserts).toEqual([rows.data]);
  expect(await storedSpans(store)).toBe(3);
  await writer.close();
});
