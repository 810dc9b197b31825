/**
 * The Live page in Chromium against `hindsight serve`: rows appear as spans are stored,
 * the filters are the search page's, pause counts what it missed, resume shows new rows
 * again, the rate indicator moves, a row opens its trace, and the rows stay bounded.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { makeSimpleTrace, protobufRequest } from '../support/spans';
import { post } from '../support/http';
import { startChildServer, stopChildServer, type ChildServer } from '../support/child';

const SHOTS = path.join(__dirname, 'screenshots');
let dir: string;
let server: ChildServer;
let browser: Browser;
let page: Page;
let base: string;

async function send(spans: ReturnType<typeof makeSimpleTrace>): Promise<void> {
  expect((await post(`http://127.0.0.1:${server.ports.otlpHttp}/v1/traces`, protobufRequest(spans), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
}

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-e2e-live-'));
  server = await startChildServer(dir);
  base = `http://127.0.0.1:${server.ports.ui}`;
  // A service to choose in the filter, stored before the page opens.
  await send(makeSimpleTrace({ service: 'checkout', name: 'POST /pay' }));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
  page.on('pageerror', (err) => {
    throw err;
  });
});

afterAll(async () => {
  await browser?.close();
  await stopChildServer(server, dir);
});

test('rows appear as spans are stored; the filters hold; a row opens its trace', async () => {
  await page.goto(`${base}/search`);
  await page.click('nav a[href="/live"]');
  await page.waitForSelector('.state.live');
  expect(await page.title()).toBe('Live · Hindsight');

  await page.selectOption('select[name="service"]', 'checkout');
  await page.fill('input[name="attr"]', 'app.amount>300');
  await page.press('input[name="attr"]', 'Enter');
  await page.click('button:has-text("Tail these spans")');
  await page.waitForURL(/\/live\?service=checkout&attr=app.amount%3E300$/);
  await page.waitForSelector('.state.live');

  const now = Date.now();
  const big = makeSimpleTrace({ service: 'checkout', name: 'POST /pay', startMs: now, durationMs: 250, error: true, attributes: { 'app.amount': 420 } });
  await send([...makeSimpleTrace({ service: 'checkout', name: 'POST /pay', startMs: now, attributes: { 'app.amount': 12 } }), ...makeSimpleTrace({ service: 'web', startMs: now }), ...big]);
  await page.waitForSelector('.rows tbody tr');
  expect(await page.locator('.rows tbody tr').count()).toBe(1);
  const row = page.locator('.rows tbody tr').first();
  expect(await row.textContent()).toContain('app.amount=420');
  expect(await row.getAttribute('class')).toContain('error');
  await page.waitForFunction(() => document.querySelector('[data-testid="rate"]')?.textContent !== '0.0 spans/s');
  await page.screenshot({ path: path.join(SHOTS, 'live.png') });

  await row.click();
  await page.waitForURL(new RegExp(`/trace/${big[0]!.spanContext().traceId}\\?span=${big[0]!.spanContext().spanId}$`));
  await page.goBack();
  await page.waitForSelector('.state.live');
});

test('pause counts the spans it missed; resume shows new rows again', async () => {
  await page.goto(`${base}/live?service=paused-svc`);
  await page.waitForSelector('.state.live');
  await send(makeSimpleTrace({ service: 'paused-svc', name: 'before', startMs: Date.now() }));
  await page.waitForSelector('.rows tbody tr');

  await page.click('button:has-text("Pause")');
  await page.waitForSelector('[data-testid="missed"]');
  expect(await page.textContent('[data-testid="missed"]')).toBe('Paused · 0 spans missed');
  await send(makeSimpleTrace({ service: 'paused-svc', name: 'while paused', startMs: Date.now(), children: 4, childService: 'paused-svc' }));
  await page.waitForFunction(() => document.querySelector('[data-testid="missed"]')?.textContent === 'Paused · 5 spans missed');
  expect(await page.locator('.rows tbody tr').count()).toBe(1);
  await page.screenshot({ path: path.join(SHOTS, 'live-paused.png') });

  await page.click('button:has-text("Resume")');
  expect(await page.locator('[data-testid="missed"]').count()).toBe(0);
  await send(makeSimpleTrace({ service: 'paused-svc', name: 'after', startMs: Date.now() }));
  await page.waitForFunction(() => document.querySelectorAll('.rows tbody tr').length === 2);
  expect(await page.locator('.rows tbody tr').first().textContent()).toContain('after');
});

test('a filter the server cannot read is refused, naming it', async () => {
  await page.goto(`${base}/live?minDuration=soon`);
  await page.waitForSelector('[role="alert"]');
  expect(await page.textContent('[role="alert"]')).toContain('minDuration: "soon" is not a duration');
  expect(await page.getAttribute('input[name="minDuration"]', 'aria-invalid')).toBe('true');
});

test('the page keeps a bounded number of rows, the newest', async () => {
  // maxRate 1000: every one of the 700 spans is an event of its own, more than the page keeps.
  await page.goto(`${base}/live?service=flood&maxRate=1000`);
  await page.waitForSelector('.state.live');
  for (let i = 0; i < 7; i++) await send(Array.from({ length: 10 }, () => makeSimpleTrace({ service: 'flood', name: `batch ${i}`, startMs: Date.now(), children: 9, childService: 'flood' })).flat());
  // A stream sends in order: once the marker (sent last) is at the top, all 700 have arrived.
  await send(makeSimpleTrace({ service: 'flood', name: 'marker', startMs: Date.now() }));
  await page.waitForFunction(() => document.querySelector('.rows tbody tr .name')?.textContent === 'marker');
  expect(await page.locator('.rows tbody tr').count()).toBe(500);
  expect(await page.textContent('.count')).toBe('The newest 500 rows are kept.');
});
