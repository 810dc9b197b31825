/**
 * Search and the service page as a new user met them (issue 18), in Debian's Chromium: a new
 * service re-runs the search, a histogram bar fills the duration filters in units people read,
 * empty buckets are drawn, the service page's charts fit the page and read the 24-hour clock, a
 * point of the duration chart opens its traces slowest first, and one old or slow result does
 * not squash the scatter plot (nor hide under its notes).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { post } from '../support/http';
import { makeShopTrace, makeSimpleTrace, protobufRequest } from '../support/spans';
import { startChildServer, stopChildServer, type ChildServer } from '../support/child';

const SHOTS = path.join(__dirname, 'screenshots');
let dataDir: string;
let server: ChildServer;
let browser: Browser;
let page: Page;
let base: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-search-service-'));
  server = await startChildServer(dataDir);
  base = `http://127.0.0.1:${server.ports.ui}`;
  const now = Date.now();
  // Ten requests of 300-390 ms and one of 8 s, all inside one minute of the service page's
  // chart (so a point's bucket holds whole traces); one from 90 minutes ago; one billing job.
  const minute = Math.floor((now - 180_000) / 60_000) * 60_000 + 5_000;
  const spans = [
    ...Array.from({ length: 10 }, (_, i) => makeShopTrace({ startMs: minute + i * 1_000, durationMs: 300 + i * 10 })).flat(),
    ...makeShopTrace({ startMs: minute + 11_000, durationMs: 8000 }),
    ...makeShopTrace({ startMs: now - 90 * 60_000, durationMs: 350 }),
    ...makeSimpleTrace({ service: 'billing', name: 'nightly invoice run', startMs: now - 200_000, durationMs: 120 }),
  ];
  expect((await post(`http://127.0.0.1:${server.ports.otlpHttp}/v1/traces`, protobufRequest(spans), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
});

afterEach(() => {
  expect(pageErrors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await stopChildServer(server, dataDir);
});

const durations = (): Promise<string[]> => page.locator('a.result .duration').allTextContents();
const nsOf = (text: string): number => {
  const m = /^([\d.]+)(ns|µs|ms|s)$/.exec(text)!;
  return Number(m[1]) * { ns: 1, µs: 1e3, ms: 1e6, s: 1e9 }[m[2] as 'ns' | 'µs' | 'ms' | 's'];
};

test('choosing another service runs the search for it', async () => {
  await page.goto(`${base}/search`);
  await page.waitForFunction(() => document.querySelectorAll('a.result').length === 12);
  await page.selectOption('select[name=service]', 'billing');
  await page.waitForURL(/service=billing/);
  await page.waitForFunction(() => document.querySelectorAll('a.result').length === 1);
  expect(await page.textContent('a.result .root')).toBe('billing: nightly invoice run');
  await page.screenshot({ path: path.join(SHOTS, 'search-service-changed.png') });
});

test('the histogram draws empty buckets, and a bar fills the duration filters in human units', async () => {
  await page.goto(`${base}/service/frontend`);
  await page.waitForSelector('.histogram .bar');
  const labels = await page.locator('.histogram .bar .label').allTextContents();
  // 300-390 ms fall under 537 ms, 8 s under 8.59 s; the three doublings between are drawn empty.
  expect(labels).toEqual(['≤537ms', '≤1.07s', '≤2.15s', '≤4.29s', '≤8.59s']);
  expect(await page.locator('.histogram .bar.empty').count()).toBe(3);
  await page.screenshot({ path: path.join(SHOTS, 'service-histogram.png') });
  await page.click('.histogram .bar >> nth=0');
  await page.waitForURL(/\/search\?/);
  expect(await page.inputValue('input[name=minDuration]')).toBe('268ms');
  expect(await page.inputValue('input[name=maxDuration]')).toBe('537ms');
  await page.waitForFunction(() => document.querySelectorAll('a.result').length === 10);
});

test("the service page's two charts share the width inside its margins, and their time is on the 24-hour clock", async () => {
  await page.goto(`${base}/service/frontend`);
  await page.waitForSelector('.chart >> nth=1 >> .u-over');
  const [left, right] = await page.locator('.chart').evaluateAll((charts) => charts.map((c) => c.getBoundingClientRect().toJSON() as DOMRect));
  const margin = await page.locator('.charts').evaluate((grid) => grid.getBoundingClientRect().left);
  // A plot as wide as its box's padding too pushed the right chart to the window's edge.
  expect(Math.round(right!.width)).toBe(Math.round(left!.width));
  expect(Math.round(1440 - right!.right)).toBe(Math.round(margin));
  // uPlot's legend writes the time under the pointer from its own templates, 12-hour by default.
  const over = (await page.locator('.chart >> nth=0 >> .u-over').boundingBox())!;
  await page.mouse.move(over.x + over.width / 2, over.y + over.height / 2);
  expect(await page.textContent('.chart >> nth=0 >> .u-legend .u-series >> nth=0 >> .u-value')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
});

test('a point of the duration chart opens the traces of its bucket, slowest first', async () => {
  await page.goto(`${base}/service/frontend`);
  await page.waitForSelector('.chart >> nth=1 >> .u-over');
  const over = (await page.locator('.chart >> nth=1 >> .u-over').boundingBox())!;
  // Along the chart from the right, to the first bucket whose p99 (in uPlot's legend) has spans.
  const p99 = page.locator('.chart >> nth=1 >> .u-legend .u-series >> nth=4 >> .u-value');
  let x = over.x + over.width - 2;
  for (; x > over.x; x -= over.width / 120) {
    await page.mouse.move(x, over.y + over.height / 2);
    if (/^[\d.]+(ns|µs|ms|s)$/.test((await p99.textContent()) ?? '')) break;
  }
  await page.mouse.click(x, over.y + over.height / 2);
  await page.waitForURL(/sort=slowest/);
  const url = new URL(page.url());
  expect([url.pathname, url.searchParams.get('service'), url.searchParams.get('start') !== null]).toEqual(['/search', 'frontend', true]);
  await page.waitForSelector('a.result');
  const shown = (await durations()).map(nsOf);
  expect(shown.length).toBeGreaterThan(0);
  expect(shown).toEqual([...shown].sort((a, b) => b - a));
});

test('one old and one slow result do not squash the scatter plot: they are pinned to its edges, with a mark', async () => {
  await page.goto(`${base}/search?service=frontend&lookback=6h`);
  await page.waitForFunction(() => document.querySelectorAll('svg.scatter circle').length === 12);
  expect(await page.textContent('svg.scatter .clip-note.older')).toBe('◂ 1 older, at the left edge');
  expect(await page.textContent('svg.scatter .clip-note.slower')).toMatch(/^▴ 1 slower than \d+ms, at the top$/);
  expect(await page.locator('svg.scatter circle.clipped').count()).toBe(2);
  // The notes sit above the plot: no point, pinned or not, is under their text.
  const covered = await page.$$eval('svg.scatter', ([svg]) => {
    const notes = Array.from(svg!.querySelectorAll<SVGTextElement>('.clip-note')).map((n) => n.getBBox());
    const hit = (a: DOMRect, b: DOMRect): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    return Array.from(svg!.querySelectorAll<SVGCircleElement>('circle'))
      .filter((c) => notes.some((n) => hit(n, c.getBBox())))
      .map((c) => c.dataset['traceId']);
  });
  expect(covered).toEqual([]);
  // The other ten spread across the plot instead of sitting in a few pixels at one edge.
  const xs = await page.$$eval('svg.scatter circle:not(.clipped)', (cs) => cs.map((c) => Number(c.getAttribute('cx'))));
  const ys = await page.$$eval('svg.scatter circle:not(.clipped)', (cs) => cs.map((c) => Number(c.getAttribute('cy'))));
  expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(500);
  expect(Math.max(...ys) - Math.min(...ys)).toBeGreaterThan(5);
  await page.screenshot({ path: path.join(SHOTS, 'search-scatter-clipped.png') });
});
