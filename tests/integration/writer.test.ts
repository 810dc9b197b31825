/**
 * The writer's seams, on a real store (embedded chDB) that records its inserts:
 * built from one options object, it tells its observer (the journal's place) about
 * each insert, before and after; an idle writer waits for requests still being
 * decoded (IncomingRequests, counted by the pipeline) so that they share an insert.
 */
import { createLogger } from '../../common/log';
import { HindsightError } from '../../common/errors';
import { createMetrics, type Metrics } from '../../common/metrics';
import type { Store } from '../../storage/store';
import { StoreHealth } from '../../collector/ingest/health';
import type { JournaledRequest } from '../../collector/ingest/idempotency';
import { IncomingRequests } from '../../collector/ingest/incoming';
import { TraceIngest } from '../../collector/ingest/pipeline';
import { SpanWriter, type InsertObserver } from '../../collector/ingest/writer';
import { recording, type RecordingStore } from '../support/recording';
import { spanRows } from '../support/span-rows';
import { makeSimpleTrace, protobufRequest } from '../support/spans';
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

function writerOver(store: Store, metrics: Metrics = createMetrics(), journal?: InsertObserver, incoming?: IncomingRequests, config = CONFIG): SpanWriter {
  health = new StoreHealth(() => store.ping(), 60_000, createLogger({ logLevel: 'silent' }), metrics);
  return new SpanWriter({ store, config, metrics, health, journal, incoming });
}

/** A batch age no test waits out (the suite's timeout is shorter): whatever is inserted was not held by age. */
const LONG_AGE = { ...CONFIG, batchMaxAgeMs: 600_000 };

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

test('an idle writer waits for requests still being decoded, and inserts them together once none is on its way', async () => {
  const incoming = new IncomingRequests();
  const writer = writerOver(store, createMetrics(), undefined, incoming, LONG_AGE);
  incoming.begin();
  incoming.begin();
  incoming.begin();
  const a = spanRows(2, 'a');
  const stored = writer.write(a, 'key-a');
  incoming.end();
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(store.inserts).toEqual([]);
  // One is refused before reaching the writer (a malformed body): it no longer comes either.
  incoming.end();
  const b = spanRows(3, 'b');
  const both = Promise.all([stored, writer.write(b, 'key-b')]);
  incoming.end();
  expect(await both).toEqual([{ kind: 'accepted' }, { kind: 'accepted' }]);
  expect(store.inserts).toEqual([Buffer.concat([a.data, b.data])]);
  // With nothing on its way, an idle writer inserts at once, its batch age notwithstanding.
  const c = spanRows(1, 'c');
  expect(await writer.write(c, 'key-c')).toEqual({ kind: 'accepted' });
  expect(store.inserts).toEqual([Buffer.concat([a.data, b.data]), c.data]);
  expect(await storedSpans(store)).toBe(6);
  await writer.close();
});

test('requests exported together share one insert: the pipeline counts those it is decoding', async () => {
  const incoming = new IncomingRequests();
  const metrics = createMetrics();
  const writer = writerOver(store, metrics, undefined, incoming, LONG_AGE);
  const ingest = new TraceIngest(writer, metrics, { retentionDays: 7, maxFutureSeconds: 3600, maxAttributes: 128, incoming });
  const bodies = [1, 2, 3].map(() => protobufRequest(makeSimpleTrace()));
  const results = await Promise.all(bodies.map((body) => ingest.export(body, 'protobuf', 'http')));
  expect(results.map((r) => r.ok)).toEqual([true, true, true]);
  expect(store.inserts).toHaveLength(1);
  expect(incoming.count).toBe(0);
  // A malformed body is counted out too: the next request is not held for it.
  expect(await ingest.export(Buffer.from('not protobuf'), 'protobuf', 'http')).toMatchObject({ ok: false });
  expect((await ingest.export(protobufRequest(makeSimpleTrace()), 'protobuf', 'http')).ok).toBe(true);
  expect(store.inserts).toHaveLength(2);
  await writer.close();
});
