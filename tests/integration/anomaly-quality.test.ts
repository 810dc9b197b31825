/**
 * Anomaly quality on a simulated shop (tests/support/shop.ts), over several seeds: two hours of
 * traffic made by the OpenTelemetry SDK and sent through its OTLP/HTTP exporter to a real server,
 * then the last hour's anomalies asked of the API. For every seed:
 * - the burst ranks first or second;
 * - the five slow checkouts are one item, whose cause is the Stripe call they wait on;
 * - no item is critical on a steady operation (one no fault is in), and the batch trace's
 *   5,000 queries put no critical mark on a steady checkout's query;
 * and over all seeds, precision and recall are at least 0.9. Precision: items whose cause is an
 * injected fault, over all items. Recall: faults found (an item of the fault's kind whose cause
 * is the fault's operation), over faults injected. The figures are printed.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { AnomaliesResponse, AnomalyItem, OutliersResponse } from '../../viewer/api/types';
import { FAULTS, makeShop, type Fault, type Shop } from '../support/shop';
import { startTestServer, stopTestServer } from '../support/server';

jest.setTimeout(900_000);

const SEEDS = [1, 2, 3];

interface SeedResult {
  seed: number;
  shop: Shop;
  items: AnomalyItem[];
  outliers: OutliersResponse;
}

const results: SeedResult[] = [];

async function send(url: string, spans: ReadableSpan[]): Promise<void> {
  const exporter = new OTLPTraceExporter({ url, timeoutMillis: 60_000 });
  for (let i = 0; i < spans.length; i += 4000) {
    await new Promise<void>((resolve, reject) => exporter.export(spans.slice(i, i + 4000), (r) => (r.code === 0 ? resolve() : reject(r.error ?? new Error('export failed')))));
  }
  await exporter.shutdown();
}

beforeAll(async () => {
  const end = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
  for (const seed of SEEDS) {
    const server = await startTestServer({ dependencyIntervalMs: 0 });
    try {
      const shop = makeShop(seed, end);
      await send(`${server.httpUrl}/v1/traces`, shop.spans);
      const response = await fetch(`${server.uiUrl}/api/v1/anomalies?start=${shop.start}&end=${shop.end}`);
      if (response.status !== 200) throw new Error(await response.text());
      const { items } = (await response.json()) as AnomaliesResponse;
      const outliers = (await (await fetch(`${server.uiUrl}/api/v1/traces/${shop.steadyCheckout}/outliers`)).json()) as OutliersResponse;
      results.push({ seed, shop, items, outliers });
    } finally {
      await stopTestServer(server);
    }
  }
});

const causedBy = (item: AnomalyItem, f: Fault): boolean => item.service === f.service && item.operation === f.operation;
const isFault = (item: AnomalyItem): boolean => FAULTS.some((f) => causedBy(item, f));
const describeItem = (i: AnomalyItem): string =>
  `${i.kind} ${i.severity} ${i.service} ${i.operation} impact ${(i.impact / 1e9).toFixed(1)}s${i.affected.length > 0 ? ` affecting ${i.affected.map((a) => a.operation).join(' > ')}` : ''}${i.detectedOn ? ` (seen on ${i.detectedOn.service} ${i.detectedOn.operation})` : ''}${i.baseline.young ? ' (young)' : ''}`;

test('precision and recall are at least 0.9 over the seeds, the burst ranks first or second (figures printed)', () => {
  let items = 0;
  let truePositives = 0;
  let found = 0;
  const ranks: number[] = [];
  const lines: string[] = [];
  for (const r of results) {
    items += r.items.length;
    truePositives += r.items.filter(isFault).length;
    found += FAULTS.filter((f) => r.items.some((i) => causedBy(i, f) && i.kind === f.kind)).length;
    const burst = FAULTS.find((f) => f.name === 'burst')!;
    ranks.push(r.items.findIndex((i) => causedBy(i, burst) && i.kind === 'window') + 1);
    lines.push(`seed ${r.seed}: ${r.shop.spans.length} spans, ${r.items.length} items:\n  ${r.items.map(describeItem).join('\n  ')}`);
  }
  const precision = items === 0 ? 0 : truePositives / items;
  const recall = found / (FAULTS.length * results.length);
  console.log(`anomaly quality over seeds ${SEEDS.join(', ')}: precision ${precision.toFixed(2)}, recall ${recall.toFixed(2)}, burst rank ${ranks.join(', ')}\n${lines.join('\n')}`);
  expect(results).toHaveLength(SEEDS.length);
  expect(precision).toBeGreaterThanOrEqual(0.9);
  expect(recall).toBeGreaterThanOrEqual(0.9);
  for (const rank of ranks) expect([1, 2]).toContain(rank);
});

test('the slow checkouts are one item, whose cause is the Stripe call, with the chain above it and its spans as examples', () => {
  const outliers = FAULTS.find((f) => f.name === 'outliers')!;
  for (const r of results) {
    const checkoutItems = r.items.filter((i) => i.exampleTraceIds.some((id) => r.shop.slowCheckouts.includes(id)) && i.kind === 'span');
    expect(checkoutItems).toHaveLength(1);
    const [item] = checkoutItems;
    expect(causedBy(item!, outliers)).toBe(true);
    expect(item!.affected.map((a) => `${a.service} ${a.operation}`)).toEqual(expect.arrayContaining(['frontend POST /checkout', 'checkout POST /checkout', 'payment POST /charge']));
    expect(item!.examples.length).toBeGreaterThan(0);
    for (const e of item!.examples) expect(r.shop.slowCheckouts).toContain(e.traceId);
  }
});

test('no item is critical on a steady operation, and the batch trace sets no baseline', () => {
  for (const r of results) {
    expect(r.items.filter((i) => i.severity === 'critical' && !isFault(i)).map(describeItem)).toEqual([]);
    expect(r.items.filter((i) => i.operation === 'SELECT inventory.stock' && i.severity !== 'minor' && i.impact > 1e9).map(describeItem)).toEqual([]);
    expect(r.outliers.outliers.filter((o) => o.severity === 'critical')).toEqual([]);
  }
});

test('two hours of history make no baseline young', () => {
  for (const r of results) expect(r.items.filter((i) => i.baseline.young).map(describeItem)).toEqual([]);
});
