/**
 * The anomalies page in Chromium, on the simulated shop (tests/support/shop.ts) sent through
 * the OTel SDK's OTLP/HTTP exporter: items grouped by cause, the service, kind and severity
 * filters (kept in the URL), an example opening its trace with the cause span selected, and
 * the slow-span mark drawn as an inline SVG, not an emoji a font may lack.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { launchChromium } from '../support/browser';
import { makeShop } from '../support/shop';
import { startChildServer, stopChildServer, type ChildServer } from '../support/child';

jest.setTimeout(300_000);

const SHOTS = path.join(__dirname, 'screenshots');
let dir: string;
let server: ChildServer;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-e2e-anomalies-'));
  server = await startChildServer(dir, ['--dependency-interval-ms', '0']);
  base = `http://127.0.0.1:${server.ports.ui}`;
  const shop = makeShop(7, Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
  const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${server.ports.otlpHttp}/v1/traces`, timeoutMillis: 60_000 });
  for (let i = 0; i < shop.spans.length; i += 4000) {
    await new Promise<void>((resolve, reject) => exporter.export(shop.spans.slice(i, i + 4000), (r) => (r.code === 0 ? resolve() : reject(r.error ?? new Error('export failed')))));
  }
  await exporter.shutdown();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (err) => {
    throw err;
  });
});

afterAll(async () => {
  await browser?.close();
  await stopChildServer(server, dir);
});

const causes = (): Promise<string[]> => page.locator('.group').evaluateAll((groups) => groups.map((g) => g.getAttribute('data-cause') ?? ''));

test('items are grouped by cause: the slow checkouts are the Stripe call, listing what it slows', async () => {
  await page.goto(`${base}/anomalies`);
  await page.waitForSelector('.group');
  const all = await causes();
  expect(all.slice(0, 2).sort()).toEqual(['catalog GET /products/{id}', 'payment stripe.charge']);
  expect(all).not.toContain('frontend POST /checkout');
  const stripe = page.locator('.group[data-cause="payment stripe.charge"]');
  expect(await stripe.locator('.affected').textContent()).toContain('frontend: POST /checkout');
  expect(await stripe.locator('.item').getAttribute('data-severity')).toBe('critical');
  await page.screenshot({ path: path.join(SHOTS, 'anomalies-causes.png'), fullPage: true });
});

test('the filters narrow the list by kind, severity and service, and stay in the URL', async () => {
  await page.goto(`${base}/anomalies`);
  await page.waitForSelector('.group');
  await page.selectOption('select[aria-label="Kind"]', 'window');
  await page.waitForFunction(() => document.querySelectorAll('.item[data-kind="span"]').length === 0);
  expect(await page.locator('.item[data-kind="window"]').count()).toBeGreaterThan(0);
  expect(page.url()).toContain('kind=window');

  await page.selectOption('select[aria-label="Kind"]', '');
  await page.selectOption('select[aria-label="Severity"]', 'critical');
  await page.waitForFunction(() => document.querySelectorAll('.item:not([data-severity="critical"])').length === 0);
  expect(await page.locator('.item').count()).toBeGreaterThan(0);

  await page.selectOption('select[aria-label="Severity"]', 'minor');
  await page.selectOption('select[aria-label="Service"]', 'fulfillment');
  await page.waitForFunction(() => Array.from(document.querySelectorAll('.group')).every((g) => g.getAttribute('data-cause')?.startsWith('fulfillment ')));
  expect(await causes()).toEqual(['fulfillment orders process']);
  expect(page.url()).toContain('service=fulfillment');

  // Loaded from the URL, the filters hold.
  await page.goto(`${base}/anomalies?kind=span&severity=critical`);
  await page.waitForSelector('.group');
  expect(await causes()).toEqual(['payment stripe.charge']);
  expect(await page.inputValue('select[aria-label="Kind"]')).toBe('span');

  // A range the page does not offer, from a link, is shown as chosen rather than as a blank select.
  await page.goto(`${base}/anomalies?lookback=3h`);
  await page.waitForSelector('.group');
  expect(await page.inputValue('select[aria-label="Time range"]')).toBe('3h');
  expect(await page.locator('select[aria-label="Time range"] option').allTextContents()).toEqual(['Last 1h', 'Last 3h', 'Last 6h', 'Last 24h', 'Last 2d', 'Last 7d']);
});

test('an example opens its trace with the cause span selected, marked by an SVG icon', async () => {
  await page.goto(`${base}/anomalies`);
  await page.waitForSelector('.group');
  const icon = page.locator('.group[data-cause="payment stripe.charge"] .chip svg.slow-icon');
  expect(await icon.evaluate((e) => e.tagName.toLowerCase())).toBe('svg');
  expect((await icon.boundingBox())?.width).toBeGreaterThan(5);

  await page.locator('.group[data-cause="payment stripe.charge"] .examples a').first().click();
  await page.waitForURL(/\/trace\/[0-9a-f]{32}\?span=[0-9a-f]{16}/);
  const selected = page.locator('.row.selected');
  await selected.waitFor();
  expect(await selected.textContent()).toContain('stripe.charge');
  const mark = page.locator('.row.selected .flag.outlier svg');
  await mark.waitFor();
  expect((await mark.boundingBox())?.width).toBeGreaterThan(5);
  expect(await mark.locator('title').textContent()).toMatch(/σ above its baseline/);
  await page.screenshot({ path: path.join(SHOTS, 'anomalies-example.png') });
});
