/**
 * Colour and legibility, as a new user met them with eight services of traffic, in Debian's
 * Chromium at 1440×900 and at 900 px wide: a colour per service that never reads as an
 * error, errors marked by more than colour, span detail that wraps keys between words and
 * scrolls stack traces sideways, a name column that can be widened and stays so, and one
 * time format. Screenshots go to tests/e2e/screenshots/.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { launchChromium } from '../support/browser';
import { post } from '../support/http';
import { SHOP_SERVICES, makeShopTrace, protobufRequest } from '../support/spans';
import { DISTINCT_DELTA_E, NOT_ERROR_DELTA_E, deltaE } from '../support/colors';
import { startChildServer, stopChildServer, type ChildServer } from '../support/child';

const SHOTS = path.join(__dirname, 'screenshots');

let dataDir: string;
let server: ChildServer;
let browser: Browser;
let base: string;
let failing: ReadableSpan[];
const pageErrors: string[] = [];

async function open(viewport: { width: number; height: number }, options: { locale?: string; colorScheme?: 'dark' | 'light' } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, ...options });
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return { context, page };
}

const idOf = (spans: ReadableSpan[], name: string): { traceId: string; spanId: string } => spans.find((s) => s.name === name)!.spanContext();

/** Each row's service and the colours drawn for it: the swatch by its name and its bar. */
function rowColours(page: Page): Promise<{ service: string; name: string; swatch: string; bar: string; barImage: string; errorFlag: boolean }[]> {
  return page.$$eval('.row', (rows) =>
    rows.map((row) => ({
      service: row.querySelector('.service')!.textContent!.trim(),
      name: row.querySelector('.op')!.textContent!.trim(),
      swatch: getComputedStyle(row.querySelector('.swatch')!).backgroundColor,
      bar: getComputedStyle(row.querySelector('.bar')!).backgroundColor,
      barImage: getComputedStyle(row.querySelector('.bar')!).backgroundImage,
      errorFlag: row.querySelector('.error-flag[aria-label="Error"]') !== null,
    })),
  );
}

const errorColour = (page: Page): Promise<string> => page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--error').trim());

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-legibility-'));
  server = await startChildServer(dataDir);
  base = `http://127.0.0.1:${server.ports.ui}`;
  failing = makeShopTrace({ error: true, startMs: Date.now() - 120_000 });
  const spans = [...failing, ...makeShopTrace({ startMs: Date.now() - 90_000, durationMs: 300 }), ...makeShopTrace({ startMs: Date.now() - 60_000, durationMs: 1200 })];
  expect((await post(`http://127.0.0.1:${server.ports.otlpHttp}/v1/traces`, protobufRequest(spans), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
  browser = await launchChromium();
});

afterEach(() => {
  expect(pageErrors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await stopChildServer(server, dataDir);
});

test('eight services get eight colours, none like the error red in either theme; an error is striped and flagged; a service keeps its colour on every page', async () => {
  const { context, page } = await open({ width: 1440, height: 900 });
  const { traceId } = idOf(failing, 'GET /checkout');
  await page.goto(`${base}/trace/${traceId}`);
  await page.waitForSelector('.row .error-flag');
  const rows = await rowColours(page);
  const colourOf = new Map(rows.map((r) => [r.service, r.swatch]));
  expect([...colourOf.keys()].sort()).toEqual([...SHOP_SERVICES].sort());
  expect(new Set(colourOf.values()).size).toBe(8);
  const colours = [...colourOf.values()];
  for (const a of colours) for (const b of colours) if (a !== b) expect([a, b, deltaE(a, b) >= DISTINCT_DELTA_E]).toEqual([a, b, true]);

  for (const dark of [false, true]) {
    if (dark) await page.click('button.theme');
    expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(dark);
    const error = await errorColour(page);
    for (const row of await rowColours(page)) {
      // Every bar is drawn in its service's colour, errors too: the stripe and the ✖ say "error".
      expect([row.name, row.bar]).toEqual([row.name, colourOf.get(row.service)]);
      expect([row.name, error, deltaE(row.bar, error) >= NOT_ERROR_DELTA_E]).toEqual([row.name, error, true]);
      const isError = row.name === 'charge card';
      expect([row.name, row.errorFlag, row.barImage.includes('repeating-linear-gradient')]).toEqual([row.name, isError, isError]);
    }
    await page.screenshot({ path: path.join(SHOTS, `legibility-colours-${dark ? 'dark' : 'light'}.png`) });
  }
  await page.click('button.theme');

  await page.goto(`${base}/search`);
  await page.waitForSelector('a.result .chip');
  const chips = await page.$$eval('a.result .chip', (list) => list.map((c) => [c.textContent!.trim().replace(/ \d+$/, ''), getComputedStyle(c.querySelector('.dot')!).backgroundColor] as const));
  expect(chips.length).toBeGreaterThanOrEqual(8);
  for (const [service, colour] of chips) expect([service, colour]).toEqual([service, colourOf.get(service)]);
  await context.close();
});

test('span detail: attribute keys wrap between words only, and a stack trace is monospace and scrolls sideways', async () => {
  const { context, page } = await open({ width: 900, height: 900 });
  const payment = idOf(failing, 'payments validate card');
  await page.goto(`${base}/trace/${payment.traceId}?span=${payment.spanId}`);
  await page.waitForSelector('aside.detail');
  // Each word of a key ("app", "payment", "amount", "usd") sits on one line.
  const broken = await page.$$eval('aside.detail .key', (keys) =>
    keys.flatMap((key) => {
      const text = key.textContent!;
      const words = [...text.matchAll(/[a-z0-9]+/gi)];
      return words
        .filter((w) => {
          const range = document.createRange();
          const node = document.createTreeWalker(key, NodeFilter.SHOW_TEXT);
          let offset = 0;
          for (let n = node.nextNode(); n; n = node.nextNode()) {
            const length = n.textContent!.length;
            if (w.index! >= offset && w.index! + w[0].length <= offset + length) {
              range.setStart(n, w.index! - offset);
              range.setEnd(n, w.index! - offset + w[0].length);
              return new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size > 1;
            }
            offset += length;
          }
          return false;
        })
        .map((w) => `${text}: ${w[0]}`);
    }),
  );
  expect(await page.locator('aside.detail .key', { hasText: 'app.payment.amount_usd' }).count()).toBe(1);
  expect(broken).toEqual([]);
  await page.screenshot({ path: path.join(SHOTS, 'legibility-keys-900.png') });

  const charge = idOf(failing, 'charge card');
  await page.goto(`${base}/trace/${charge.traceId}?span=${charge.spanId}`);
  const stack = page.locator('aside.detail pre.stack');
  await stack.waitFor();
  const look = await stack.evaluate((pre) => ({
    whiteSpace: getComputedStyle(pre).whiteSpace,
    font: getComputedStyle(pre).fontFamily,
    overflowX: getComputedStyle(pre).overflowX,
    scrolls: pre.scrollWidth > pre.clientWidth,
    lines: pre.textContent!.split('\n').length,
    panelScrolls: pre.closest('aside')!.scrollWidth > pre.closest('aside')!.clientWidth,
  }));
  expect(look).toEqual({ whiteSpace: 'pre', font: expect.stringMatching(/monospace/), overflowX: 'auto', scrolls: true, lines: 4, panelScrolls: false });
  await page.screenshot({ path: path.join(SHOTS, 'legibility-stacktrace-900.png') });
  await context.close();
});

test('at 900 px the names are whole; the name column resizes by drag, is in the URL and is remembered', async () => {
  const { context, page } = await open({ width: 900, height: 800 });
  const { traceId } = idOf(failing, 'GET /checkout');
  await page.goto(`${base}/trace/${traceId}`);
  await page.waitForSelector('.row .error-flag');
  const clipped = (): Promise<string[]> => page.$$eval('.row .label', (labels) => labels.filter((l) => l.scrollWidth > l.clientWidth).map((l) => l.textContent!.trim()));
  expect(await clipped()).toEqual([]);
  await page.screenshot({ path: path.join(SHOTS, 'legibility-names-900.png') });

  const before = (await page.locator('.axis .name-col').boundingBox())!.width;
  const handle = (await page.locator('.resizer').boundingBox())!;
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(handle.x + handle.width / 2 + 120, handle.y + handle.height / 2, { steps: 6 });
  await page.mouse.up();
  await page.waitForURL(/names=\d+/);
  const names = Number(new URL(page.url()).searchParams.get('names'));
  expect(Math.abs(names - (before + 120))).toBeLessThanOrEqual(2);
  expect((await page.locator('.axis .name-col').boundingBox())!.width).toBe(names);
  expect((await page.locator('.row .name-col').first().boundingBox())!.width).toBe(names);
  expect(await page.evaluate(() => localStorage.getItem('hindsight.nameWidth'))).toBe(String(names));

  // Remembered: a trace opened without the parameter gets the chosen width; a link's own width wins.
  await page.goto(`${base}/search`);
  await page.waitForSelector('a.result');
  await page.goto(`${base}/trace/${traceId}`);
  await page.waitForSelector('.row');
  expect((await page.locator('.axis .name-col').boundingBox())!.width).toBe(names);
  // Beside the span detail it gives way, so that bars keep 160px.
  await page.click('.row >> nth=2');
  await page.waitForSelector('aside.detail');
  const waterfall = (await page.locator('.waterfall').boundingBox())!.width;
  expect((await page.locator('.axis .name-col').boundingBox())!.width).toBe(Math.round(waterfall - 2 - 160));
  await page.goto(`${base}/trace/${traceId}?names=200`);
  await page.waitForSelector('.row');
  expect((await page.locator('.axis .name-col').boundingBox())!.width).toBe(200);
  // The keyboard moves it too.
  await page.focus('.resizer');
  await page.keyboard.press('ArrowRight');
  await page.waitForURL(/names=220/);
  await context.close();
});

test('every page writes times one way: absolute in the user locale on a 24-hour clock, plus how long ago', async () => {
  const { traceId, spanId } = idOf(failing, 'GET /checkout');
  for (const [locale, pattern] of [
    ['en-US', /^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2}:\d{2}\.\d{3} \((\d+ minutes? ago|\d+ seconds? ago|now)\)$/],
    ['de-DE', /^\d{1,2}\. [A-Z][a-zä]{2,3}\.? \d{4}, \d{2}:\d{2}:\d{2},\d{3} \(vor \d+ (Minuten?|Sekunden?)\)$/],
  ] as const) {
    const { context, page } = await open({ width: 1440, height: 900 }, { locale });
    await page.goto(`${base}/search`);
    await page.waitForSelector('a.result .when');
    const listed = await page.$$eval('a.result .when', (list) => list.map((w) => w.textContent!.trim()));
    await page.goto(`${base}/trace/${traceId}?span=${spanId}`);
    await page.waitForSelector('aside.detail');
    const summary = (await page.textContent('.stats .start'))!.replace(/^Start\s*/, '').trim();
    const detail = (await page.textContent('aside.detail dd.start'))!.replace(/\s*\+.*$/, '').trim();
    for (const text of [...listed, summary, detail]) expect([locale, text]).toEqual([locale, expect.stringMatching(pattern)]);
    // The root span starts the trace: the same moment, written the same way on both pages.
    const absolute = (t: string): string => t.replace(/ \(.*\)$/, '');
    expect(absolute(detail)).toBe(absolute(summary));
    expect(listed.map(absolute)).toContain(absolute(summary));
    expect(await page.content()).not.toMatch(/\b(AM|PM)\b/);
    await page.screenshot({ path: path.join(SHOTS, `legibility-times-${locale}.png`) });
    await context.close();
  }
});
