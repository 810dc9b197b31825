/**
 * Spans that land behind the edge job's watermark all at once (an import, a backfill, a
 * collector catching up after an outage), more minutes than one run recomputes: the job
 * works through them over several runs, newest first, and every minute ends up with its
 * edges, each counted once. Before, the minutes past one run's budget were skipped for good.
 */
import { createLogger } from '../../common/log';
import { EdgeJob } from '../../collector/jobs/edges';
import type { Store } from '../../storage/store';
import { queryRows } from '../support/server';
import { closeTestStore, openTestStore } from '../support/test-store';

let store: Store;
const MINUTES = 600;

beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await closeTestStore(store);
});

/** One parent → child pair per minute, for `minutes` minutes ending `endAgo` seconds before now. */
async function insertPairs(prefix: string, minutes: number, endAgo: number): Promise<void> {
  await store.client.command({
    query: `INSERT INTO ${store.database}.otel_traces (Timestamp, TraceId, SpanId, ParentSpanId, SpanName, SpanKind, ServiceName, Duration, StatusCode)
      SELECT fromUnixTimestamp64Nano(toInt64((toUnixTimestamp(toStartOfMinute(now())) - ${endAgo} - intDiv(n, 2) * 60) * 1e9) + (n % 2) * 1000000) AS Timestamp,
             concat('${prefix}', leftPad(toString(intDiv(n, 2)), 24, '0')) AS TraceId,
             lower(hex(sipHash64(n, '${prefix}'))) AS SpanId,
             if(n % 2 = 0, '', lower(hex(sipHash64(n - 1, '${prefix}')))) AS ParentSpanId,
             'call' AS SpanName, if(n % 2 = 0, 'Server', 'Server') AS SpanKind,
             if(n % 2 = 0, '${prefix}-parent', '${prefix}-child') AS ServiceName,
             toUInt64(5000000) AS Duration, 'Unset' AS StatusCode
      FROM (SELECT number AS n FROM numbers(${minutes * 2}))`,
  });
}

async function edgeCalls(parent: string): Promise<{ minutes: number; calls: number }> {
  const [row] = await queryRows<{ minutes: string; calls: string }>(
    store.client,
    `SELECT uniqExact(Minute) AS minutes, sum(Calls) AS calls FROM ${store.database}.hindsight_service_edges_1m WHERE Parent = {parent:String}`,
    { parent },
  );
  return { minutes: Number(row!.minutes), calls: Number(row!.calls) };
}

test(`${MINUTES} late minutes arriving in one second are all recomputed, over several runs, each counted once`, async () => {
  const job = new EdgeJob(store.client, store.sql, { lagSeconds: 60, intervalMs: 60_000, settleSeconds: 2 }, createLogger({ logLevel: 'silent' }));
  // A store the job already covers up to now.
  await insertPairs('recent', 1, 120);
  const now = (): number => Math.floor(Date.now() / 1000);
  await job.runOnce(now());
  expect(await edgeCalls('recent-parent')).toEqual({ minutes: 1, calls: 1 });

  // Ten hours of pairs, all behind the watermark, in one insert: one second of arrivals.
  await insertPairs('old', MINUTES, 3 * 3600);
  // Late arrivals are handled once they have settled (settleSeconds).
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  let runs = 0;
  while ((await edgeCalls('old-parent')).minutes < MINUTES && runs < 10) {
    await job.runOnce(now());
    runs++;
  }
  expect(await edgeCalls('old-parent')).toEqual({ minutes: MINUTES, calls: MINUTES });
  expect(runs).toBeGreaterThan(1);
  // Nothing is left: another run recomputes nothing more, and counts nothing twice.
  await job.runOnce(now());
  expect(await edgeCalls('old-parent')).toEqual({ minutes: MINUTES, calls: MINUTES });
  expect(await edgeCalls('recent-parent')).toEqual({ minutes: 1, calls: 1 });
}, 120_000);
