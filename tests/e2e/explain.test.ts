/**
 * "Why are these slow?" in Chromium: from search results and from the service page to the
 * explain page, the cause (region=eu-west, seeded SDK traces) listed first, the threshold
 * dragged on the histogram and typed, and a click through to the slow traces that carry it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { protobufRequest } from '../support/spans';
import { post } from '../support/http';
import { makeSlowTraces } from '../support/slow-traces';
import { startChildServer, stopChildServer, type ChildServer } from '../support/child';

const SHOTS = path.join(__dirname, 'screenshots');
const TRACES = 400;
let dir: string;
let server: ChildServer;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-e2e-explain-'));
  server = await startChildServer(dir);
  base = `http://127.0.0.1:${server.ports.ui}`;
  const spans = makeSlowTraces({ seed: 7, traces: TRACES, cause: 'region', service: 'shop', startMs: Date.now() - 2 * 3_600_000 });
  expect((await post(`http://127.0.0.1:${server.ports.otlpHttp}/v1/traces`, protobufRequest(spans), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (err) => {
    throw err;
  });
});

afterAll(async () => {
  await browser?.close();
  await stopChildServer(server, dir);
});

const firstAttribute = (): Promise<string | null> => page.locator('[data-testid=explain-attributes] li .item').first().textContent();
const counts = async (): Promise<number> => Number(await page.locator('[data-testid=explain-counts] strong').textContent());

test('from search results: the cause first; the threshold dragged and typed; a click opens the slow traces that carry it', async () => {
  await page.goto(`${base}/search?service=shop&lookback=3h`);
  await page.getByRole('link', { name: 'Why are these slow?' }).click();
  await page.waitForSelector('[data-testid=explain-attributes] li');
  expect(new URL(page.url()).pathname).toBe('/explain');
  expect(new URL(page.url()).searchParams.get('service')).toBe('shop');
  expect(await firstAttribute()).toBe('region=eu-west');
  expect(await page.locator('[data-testid=explain-attributes] li').first().textContent()).toContain('100% of slow');
  const atP95 = await counts();
  expect(atP95).toBeGreaterThanOrEqual(TRACES * 0.05);

  // Drag the threshold to a fifth of the histogram's width: far more traces are slow, and the URL keeps it.
  const box = (await page.getByTestId('threshold-histogram').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(() => /threshold=\d+ns/.test(window.location.search));
  await page.waitForFunction((before) => Number(document.querySelector('[data-testid=explain-counts] strong')?.textContent) > before, atP95);

  // Typed: 250 ms splits exactly the eu-west traces from the rest.
  await page.fill('input[name=threshold]', '250ms');
  await page.getByRole('button', { name: 'Set' }).click();
  await page.waitForFunction(() => new URLSearchParams(window.location.search).get('threshold') === '250ms');
  await page.waitForFunction(() => document.querySelector('[data-testid=explain-counts]')?.textContent?.includes('≥ 250ms'));
  expect(await firstAttribute()).toBe('region=eu-west');
  const slow = await counts();
  expect(await page.locator('[data-testid=explain-attributes] li').first().textContent()).toContain('100% of slow · 0% of others');
  expect(await page.locator('[data-testid=explain-paths] li .item').first().textContent()).toBe('shop GET /checkout');
  await page.screenshot({ path: path.join(SHOTS, 'explain.png'), fullPage: true });

  // Through to the traces: the search with the value and the threshold, every one of them slow.
  await page.locator('[data-testid=explain-attributes] li .item').first().click();
  await page.waitForSelector('.result');
  const params = new URL(page.url()).searchParams;
  expect(new URL(page.url()).pathname).toBe('/search');
  expect(params.getAll('attr')).toEqual(['region=eu-west']);
  expect(params.get('minDuration')).toBe('250000000ns');
  expect(params.get('service')).toBe('shop');
  const shown = await page.locator('.result').count();
  expect(shown).toBe(Math.min(20, slow));
  for (const text of await page.locator('.result .duration').allTextContents()) expect(text).toMatch(/^(?:[3-9]\d\dms|\d(?:\.\d+)?s)$/);
});

test('from the service page: "Why are these slow?" opens the page for its operation', async () => {
  await page.goto(`${base}/service/shop?lookback=6h&operation=GET%20%2Fcheckout`);
  await page.waitForSelector('.histogram .bar');
  await page.getByRole('link', { name: 'Why are these slow?' }).click();
  await page.waitForSelector('[data-testid=explain-attributes] li');
  const params = new URL(page.url()).searchParams;
  expect([params.get('service'), params.get('operation'), params.get('lookback')]).toEqual(['shop', 'GET /checkout', '6h']);
  expect(await firstAttribute()).toBe('region=eu-west');
});
