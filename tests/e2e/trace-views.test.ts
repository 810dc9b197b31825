/**
 * The trace's statistics and flame graph views, and trace comparison, in Debian's
 * Chromium against a real server child process, with spans sent by the real
 * OpenTelemetry exporter. Each test leaves a screenshot in tests/e2e/screenshots/.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { launchChromium } from '../support/browser';
import { makeShapedTrace, type ShapedSpan } from '../support/spans';
import { startChildServer, stopChildServer, type ChildServer } from '../support/child';

const SHOTS = path.join(__dirname, 'screenshots');

//  batch run batch        |==========================================|  1000 ms
//  worker load ×3         |====|====|====|                                100 ms each
//  db SELECT              |==|  |==|  |==|                                 50 ms each
//  worker transform                      |================|                400 ms (error)
//  worker parse                          |==|                              50 ms
//  db save                                                  |========|     200 ms
const BATCH: ShapedSpan[] = [
  { service: 'batch', name: 'run batch', startMs: 0, durationMs: 1000 },
  { service: 'worker', name: 'load', parent: 0, startMs: 0, durationMs: 100 },
  { service: 'db', name: 'SELECT', parent: 1, startMs: 0, durationMs: 50 },
  { service: 'worker', name: 'load', parent: 0, startMs: 100, durationMs: 100 },
  { service: 'db', name: 'SELECT', parent: 3, startMs: 100, durationMs: 50 },
  { service: 'worker', name: 'load', parent: 0, startMs: 200, durationMs: 100 },
  { service: 'db', name: 'SELECT', parent: 5, startMs: 200, durationMs: 50 },
  { service: 'worker', name: 'transform', parent: 0, startMs: 300, durationMs: 400, error: true },
  { service: 'worker', name: 'parse', parent: 7, startMs: 300, durationMs: 50 },
  { service: 'db', name: 'save', parent: 0, startMs: 700, durationMs: 200 },
];
//  The same batch later: a fourth load, no save, a new notify, a slower transform (its parse unchanged).
const LATER: ShapedSpan[] = [
  { service: 'batch', name: 'run batch', startMs: 0, durationMs: 1500 },
  ...[0, 1, 2, 3].flatMap((i): ShapedSpan[] => [
    { service: 'worker', name: 'load', parent: 0, startMs: i * 100, durationMs: 100 },
    { service: 'db', name: 'SELECT', parent: 1 + i * 2, startMs: i * 100, durationMs: 50 },
  ]),
  { service: 'worker', name: 'transform', parent: 0, startMs: 400, durationMs: 900 },
  { service: 'worker', name: 'parse', parent: 9, startMs: 400, durationMs: 50 },
  { service: 'mail', name: 'notify', parent: 0, startMs: 1300, durationMs: 100 },
];

let dataDir: string;
let server: ChildServer;
let browser: Browser;
let page: Page;
let base: string;
let batch: string;
let later: string;

async function send(port: number, spans: ReadableSpan[]): Promise<void> {
  const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces` });
  await new Promise<void>((resolve, reject) => exporter.export(spans, (r) => (r.code === 0 ? resolve() : reject(r.error))));
  await exporter.shutdown();
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-e2e-views-'));
  server = await startChildServer(dataDir);
  base = `http://127.0.0.1:${server.ports.ui}`;
  const first = makeShapedTrace(BATCH, Date.now() - 10 * 60_000);
  const second = makeShapedTrace(LATER, Date.now() - 5 * 60_000);
  batch = first[0]!.spanContext().traceId;
  later = second[0]!.spanContext().traceId;
  await send(server.ports.otlpHttp, [...first, ...second]);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (err) => {
    throw err;
  });
});

afterAll(async () => {
  await browser?.close();
  await stopChildServer(server, dataDir);
});

/** The statistics table's rows as "service/operation" (or "service"), in the order shown. */
const statRows = (): Promise<string[]> => page.locator('tr.stat-row').evaluateAll((rows) => rows.map((r) => (r.getAttribute('data-key') ?? '').replace('\u0000', '/')));

test('statistics: one switch from the waterfall, grouped, sorted, filtered, in the URL; a click shows the spans', async () => {
  await page.goto(`${base}/trace/${batch}`);
  await page.waitForSelector('.row');
  await page.click('button[data-view=stats]');
  await page.waitForSelector('tr.stat-row');
  expect(new URL(page.url()).searchParams.get('view')).toBe('stats');
  // By service + operation, total time first.
  expect(await statRows()).toEqual(['batch/run batch', 'worker/transform', 'worker/load', 'db/save', 'db/SELECT', 'worker/parse']);
  expect(await cells('tr.stat-row[data-service="worker"][data-operation="load"] td')).toEqual(['worker · load', '3', '300ms', '100ms', '100ms', '100ms', '150ms', '15.0% · 150ms', '0']);
  // Every span is on the critical path here: each group's share is its self time's share of the 1 s trace.
  expect((await cells('tr.stat-row[data-service="worker"][data-operation="transform"] td')).slice(6)).toEqual(['350ms', '35.0% · 350ms', '1']);
  expect((await cells('tr.stat-row[data-service="batch"][data-operation="run batch"] td')).slice(6)).toEqual(['100ms', '10.0% · 100ms', '0']);
  await shot('trace-stats');

  // Most spans first, ties by name; a second click turns the order.
  await page.click('button[data-sort=count]');
  expect(await statRows()).toEqual(['db/SELECT', 'worker/load', 'batch/run batch', 'db/save', 'worker/parse', 'worker/transform']);
  await page.click('button[data-sort=count]');
  expect(await statRows()).toEqual(['batch/run batch', 'db/save', 'worker/parse', 'worker/transform', 'db/SELECT', 'worker/load']);
  expect(new URL(page.url()).searchParams.get('sort')).toBe('count-asc');
  await page.fill('input[aria-label="Filter statistics"]', 'wor');
  await page.waitForFunction(() => document.querySelectorAll('tr.stat-row').length === 3);
  await page.click('button:text-is("By service")');
  await page.waitForFunction(() => document.querySelectorAll('tr.stat-row').length === 1);
  expect(await cells('tr.stat-row td')).toEqual(['worker', '5', '750ms', '150ms', '50ms', '400ms', '550ms', '55.0% · 550ms', '1']);
  // A reload keeps the view: it is all in the URL.
  await page.reload();
  await page.waitForSelector('tr.stat-row');
  expect(await statRows()).toEqual(['worker']);
  expect(await page.inputValue('input[aria-label="Filter statistics"]')).toBe('wor');

  // A click goes to the waterfall with the group's longest span selected and the rest found.
  await page.fill('input[aria-label="Filter statistics"]', '');
  await page.click('button:text-is("By service + operation")');
  await page.click('tr.stat-row[data-service="db"][data-operation="SELECT"]');
  await page.waitForSelector('.row');
  const url = new URL(page.url());
  expect(url.searchParams.get('view')).toBeNull();
  expect(url.searchParams.get('find')).toBe('SELECT');
  await page.waitForSelector('aside.detail');
  expect(await page.textContent('aside.detail')).toContain('SELECT');
  expect(await page.textContent('.match-count')).toMatch(/^1 \/ 3$/);
  await shot('trace-stats-to-waterfall');
});

/** Cells' texts with runs of white space as one space. */
const cells = async (selector: string): Promise<string[]> => (await page.locator(selector).allTextContents()).map((t) => t.replace(/[\s\u00a0]+/g, ' ').trim());

/** How many of the canvas's pixels are painted (not transparent). */
const paintedPixels = (): Promise<number> =>
  page.evaluate(() => {
    const canvas = document.querySelector('section.flame canvas') as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
    return n;
  });

const drawnFrames = async (): Promise<number> => Number(await page.getAttribute('section.flame canvas', 'data-frames-drawn'));

test('flame graph: drawn on canvas, zoom on click, search highlights', async () => {
  await page.goto(`${base}/trace/${batch}?view=flame`);
  await page.waitForFunction(() => Number(document.querySelector('section.flame canvas')?.getAttribute('data-frames-drawn')) > 0);
  // run batch; load, transform, save; SELECT, parse (the three loads and their SELECTs are one path each).
  expect(await drawnFrames()).toBe(6);
  expect(await paintedPixels()).toBeGreaterThan(10_000);
  expect(await page.textContent('section.flame .detail')).toContain('6 call paths from 10 spans');
  await shot('trace-flame');

  const canvas = page.locator('section.flame canvas');
  const box = (await canvas.boundingBox())!;
  // transform is x 300..700 of 1000 on the second row.
  await canvas.click({ position: { x: box.width * 0.5, y: 18 + 9 } });
  await page.waitForFunction(() => document.querySelector('section.flame canvas')?.getAttribute('data-zoom') !== '');
  await page.waitForFunction(() => document.querySelector('section.flame canvas')?.getAttribute('data-frames-drawn') === '3');
  expect(await page.locator('section.flame .crumb').allTextContents()).toEqual(['run batch', 'transform']);
  expect(new URL(page.url()).searchParams.get('zoom')).toMatch(/^\d+$/);
  // Hovering the zoomed frame names it, with its time.
  await canvas.hover({ position: { x: box.width * 0.5, y: 18 + 9 } });
  expect(await page.textContent('section.flame .detail')).toMatch(/worker\s+transform\s+· 1 span · self 350ms · with children 400ms \(40\.0%\)\s+· 1 error/);
  await shot('trace-flame-zoomed');
  // The root, drawn full width above, zooms back out to it.
  await canvas.click({ position: { x: 10, y: 9 } });
  await page.waitForFunction(() => document.querySelector('section.flame canvas')?.getAttribute('data-frames-drawn') === '6');

  await page.fill('input[aria-label="Find in trace"]', 'select');
  await page.waitForFunction(() => document.querySelector('section.flame canvas')?.getAttribute('data-highlighted') === '1');
  expect(new URL(page.url()).searchParams.get('find')).toBe('select');
  await shot('trace-flame-search');
  await page.click('button[data-view=waterfall]');
  await page.waitForSelector('.row');
  expect(new URL(page.url()).searchParams.get('view')).toBeNull();
});

test('compare: tick two traces in the search results; the merged tree marks what was added, removed and changed', async () => {
  await page.goto(`${base}/search?service=batch`);
  await page.waitForSelector('section.results[aria-busy="false"]');
  await page.waitForFunction(() => document.querySelectorAll('a.result').length === 2);
  expect(await page.isDisabled('.compare-bar button.primary')).toBe(true);
  await page.check(`li:has(a[data-trace-id="${batch}"]) input.pick`);
  await page.check(`li:has(a[data-trace-id="${later}"]) input.pick`);
  await page.click('.compare-bar button.primary');
  await page.waitForURL(`${base}/compare/${batch}/${later}`);
  await page.waitForSelector('.node');
  const nodes = (): Promise<string[]> =>
    page.locator('.node').evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-presence')}:${r.querySelector('.op')!.textContent}:${r.getAttribute('data-changed')}`));
  // load's SELECTs changed count too, so load stays open; transform's parse did not change, so it is folded.
  expect(await nodes()).toEqual(['both:run batch:true', 'both:load:true', 'both:SELECT:true', 'both:transform:true', 'removed:save:true', 'added:notify:true']);
  expect(await page.textContent('.node:has(.op:text-is("transform")) .hidden-count')).toBe('… 1 unchanged below');
  expect(await page.locator('.node.added .num').allTextContents()).toEqual(['—', '100ms', 'added']);
  expect(await page.locator('.node:has(.op:text-is("transform")) .num').allTextContents()).toEqual(['400ms', '900ms', '+500ms']);
  expect(await page.locator('.node:has(.op:text-is("load")) .num').allTextContents()).toEqual(['3× 300ms', '4× 400ms', '+100ms · +1 span']);
  await shot('compare');

  // The fold opens on a click, and "Expand all" opens every fold.
  await page.click('.node:has(.op:text-is("transform")) button.toggle');
  expect(await nodes()).toContain('both:parse:false');
  await page.click('.node:has(.op:text-is("transform")) button.toggle');
  expect(await nodes()).not.toContain('both:parse:false');
  await page.click('button.fold');
  expect(await nodes()).toHaveLength(7);
  await shot('compare-expanded');
});

test('compare by id: the form checks the ids, and an unknown trace is named', async () => {
  await page.goto(`${base}/compare`);
  await page.fill('input[name=a]', batch);
  await page.fill('input[name=b]', 'nothex');
  await page.click('form.pick button[type=submit]');
  expect(await page.textContent('[role=alert]')).toContain('Trace B: "nothex" is not a trace id');
  await page.fill('input[name=b]', 'f'.repeat(32));
  await page.click('form.pick button[type=submit]');
  await page.waitForURL(`${base}/compare/${batch}/${'f'.repeat(32)}`);
  await page.waitForSelector('p.error-text');
  expect(await page.textContent('p.error-text')).toBe(`trace ${'f'.repeat(32)} not found`);
  await shot('compare-not-found');
});
