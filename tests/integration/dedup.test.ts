/** The dedup decorator in front of the writer: a retried request is stored once. */
import { HindsightError } from '../../common/errors';
import { createLogger } from '../../common/log';
import { createMetrics, type Metrics } from '../../common/metrics';
import { DedupWriter } from '../../collector/ingest/dedup';
import { StoreHealth } from '../../collector/ingest/health';
import { RecentRequests } from '../../collector/ingest/idempotency';
import { SpanWriter, type RowWriter, type WriteOutcome } from '../../collector/ingest/writer';
import { recording } from '../support/recording';
import { spanRows } from '../support/span-rows';
import { closeTestStore, openTestStore, storedSpans } from '../support/test-store';

/** A writer that settles its writes when told to, and lists them. */
function heldWriter(): RowWriter & { writes: string[]; settle(outcome: WriteOutcome): void } {
  const waiting: ((outcome: WriteOutcome) => void)[] = [];
  const writes: string[] = [];
  return {
    writes,
    write: (_rows, key) => {
      writes.push(key);
      return new Promise((resolve) => waiting.push(resolve));
    },
    settle: (outcome) => {
      for (const resolve of waiting.splice(0)) resolve(outcome);
    },
    close: async () => undefined,
  };
}

async function duplicates(metrics: Metrics): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === 'hindsight_duplicate_requests_total');
  return Number(metric?.values[0]?.value ?? 0);
}

test('a retry of a request being written joins that write; a retry after it was stored is acknowledged without a write', async () => {
  const inner = heldWriter();
  const recent = new RecentRequests();
  const metrics = createMetrics();
  const dedup = new DedupWriter(inner, { recent, metrics });
  const first = dedup.write(spanRows(1, 'd'), 'key-d');
  const retry = dedup.write(spanRows(1, 'd'), 'key-d');
  expect(inner.writes).toEqual(['key-d']);
  inner.settle({ kind: 'accepted' });
  expect(await first).toEqual({ kind: 'accepted' });
  expect(await retry).toEqual({ kind: 'accepted' });
  expect(recent.has('key-d')).toBe(true);
  expect(await dedup.write(spanRows(1, 'd'), 'key-d')).toEqual({ kind: 'accepted' });
  expect(inner.writes).toEqual(['key-d']);
  expect(await duplicates(metrics)).toBe(2);
});

test('a request that was refused is written again when retried, and is not remembered as stored', async () => {
  const inner = heldWriter();
  const recent = new RecentRequests();
  const dedup = new DedupWriter(inner, { recent, metrics: createMetrics() });
  const first = dedup.write(spanRows(1, 'e'), 'key-e');
  inner.settle({ kind: 'retryable', error: new HindsightError('HS_QUEUE_FULL', 'full') });
  expect((await first).kind).toBe('retryable');
  expect(recent.has('key-e')).toBe(false);
  const again = dedup.write(spanRows(1, 'e'), 'key-e');
  expect(inner.writes).toEqual(['key-e', 'key-e']);
  inner.settle({ kind: 'accepted' });
  expect(await again).toEqual({ kind: 'accepted' });
});

test('a request known from the journal (RecentRequests filled at start-up) is acknowledged without a write', async () => {
  const inner = heldWriter();
  const recent = new RecentRequests();
  recent.add('key-j');
  const metrics = createMetrics();
  const dedup = new DedupWriter(inner, { recent, metrics });
  expect(await dedup.write(spanRows(1, 'j'), 'key-j')).toEqual({ kind: 'accepted' });
  expect(inner.writes).toEqual([]);
  expect(await duplicates(metrics)).toBe(1);
});

test('an empty request goes straight through, neither counted nor remembered', async () => {
  const inner = heldWriter();
  const recent = new RecentRequests();
  const metrics = createMetrics();
  const dedup = new DedupWriter(inner, { recent, metrics });
  const empty = dedup.write(spanRows(0, 'f'), 'key-f');
  inner.settle({ kind: 'accepted' });
  await empty;
  expect(recent.has('key-f')).toBe(false);
  expect(await duplicates(metrics)).toBe(0);
});

test('in front of the writer, concurrent and later duplicates never reach the store', async () => {
  const store = recording(await openTestStore());
  try {
    const metrics = createMetrics();
    const health = new StoreHealth(() => store.ping(), 60_000, createLogger({ logLevel: 'silent' }), metrics);
    const config = { batchMaxSpans: 1000, batchMaxAgeMs: 5, queueMaxSpans: 10_000, queueMaxBytes: 1 << 20, insertConcurrency: 1 };
    const dedup = new DedupWriter(new SpanWriter({ store, config, metrics, health }), { recent: new RecentRequests(), metrics });
    const outcomes = await Promise.all([dedup.write(spanRows(2, 'g'), 'key-g'), dedup.write(spanRows(2, 'g'), 'key-g')]);
    expect(outcomes).toEqual([{ kind: 'accepted' }, { kind: 'accepted' }]);
    expect(await dedup.write(spanRows(2, 'g'), 'key-g')).toEqual({ kind: 'accepted' });
    expect(store.inserts).toHaveLength(1);
    expect(await storedSpans(store)).toBe(2);
    await dedup.close();
    health.stop();
  } finally {
    await closeTestStore(store);
  }
});
