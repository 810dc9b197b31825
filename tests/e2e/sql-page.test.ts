/**
 * The SQL page as a new user met it (issue 18), in Debian's Chromium: a wide result scrolls
 * inside its pane, a running query can be cancelled (and the server stops it), trace and span
 * ids link to the trace, charts carry axes, units and a legend, and the "Slowest traces"
 * example names each trace's root service.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { launchChromium } from '../support/browser';
import { post } from '../support/http';
import { makeShopTrace, protobufRequest } from '../support/spans';
import { startChildServer, stopChildServer, type ChildServer } from '../support/child';

const SHOTS = path.join(__dirname, 'screenshots');
let dataDir: string;
let server: ChildServer;
let browser: Browser;
let page: Page;
let base: string;
let traces: ReadableSpan[][];
const pageErrors: string[] = [];

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-sql-page-'));
  // One reader and a limit of ten minutes: a query the server did not cancel would hold the
  // reader, and the next query would wait far past this test's time.
  server = await startChildServer(dataDir, ['--sql-max-concurrent', '1', '--sql-max-execution-seconds', '600']);
  base = `http://127.0.0.1:${server.ports.ui}`;
  traces = [
    makeShopTrace({ error: true, startMs: Date.now() - 120_000 }),
    makeShopTrace({ startMs: Date.now() - 60_000, durationMs: 6880 }),
    makeShopTrace({ startMs: Date.now() - 30_000, durationMs: 300 }),
  ];
  expect((await post(`http://127.0.0.1:${server.ports.otlpHttp}/v1/traces`, protobufRequest(traces.flat()), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
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

async function runQuery(sql: string): Promise<void> {
  await page.goto(`${base}/sql?q=${encodeURIComponent(sql)}`);
  await page.waitForSelector('.cm-content');
  await page.click('button.primary');
}

test('SELECT * keeps the page as wide as the window: the result scrolls in its pane, the header and sidebar stay', async () => {
  for (const width of [1440, 900]) {
    await page.setViewportSize({ width, height: 900 });
    await runQuery('SELECT * FROM otel_traces LIMIT 50');
    await page.waitForSelector('[role=table] .row');
    const sizes = await page.evaluate(() => {
      const table = document.querySelector('[role=table]')!;
      return { document: document.documentElement.scrollWidth, viewport: window.innerWidth, tableScrolls: table.scrollWidth > table.clientWidth };
    });
    expect(sizes).toEqual({ document: width, viewport: width, tableScrolls: true });
    const header = await page.locator('header').boundingBox();
    const side = await page.locator('aside.side').boundingBox();
    await page.locator('[role=table]').evaluate((t) => (t.scrollLeft = 5000));
    await page.mouse.wheel(4000, 0);
    expect(await page.evaluate(() => window.scrollX)).toBe(0);
    expect(await page.locator('header').boundingBox()).toEqual(header);
    expect(await page.locator('aside.side').boundingBox()).toEqual(side);
    await page.screenshot({ path: path.join(SHOTS, `sql-wide-result-${width}.png`) });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
});

test('TraceId cells open the trace and SpanId cells the span in it', async () => {
  const [root] = traces[0]!.filter((s) => s.name === 'GET /checkout');
  const { traceId, spanId } = root!.spanContext();
  await runQuery(`SELECT SpanName, TraceId, SpanId FROM otel_traces WHERE SpanId = '${spanId}'`);
  await page.waitForSelector('[role=table] .row a');
  expect(await page.getAttribute('[role=table] .row [role=cell]:nth-child(2) a', 'href')).toBe(`/trace/${traceId}`);
  expect(await page.getAttribute('[role=table] .row [role=cell]:nth-child(3) a', 'href')).toBe(`/trace/${traceId}?span=${spanId}`);
  expect(await page.locator('[role=table] .row [role=cell]:nth-child(1) a').count()).toBe(0);
  await page.click('[role=table] .row [role=cell]:nth-child(3) a');
  await page.waitForURL(`${base}/trace/${traceId}?span=${spanId}`);
  await page.waitForSelector('aside.detail');
});

test('Cancel aborts a running query, and the server stops it: the one reader is free for the next', async () => {
  await runQuery('SELECT sum(number) FROM numbers(1000000000000000)');
  const cancel = page.locator('button.cancel');
  await cancel.waitFor();
  expect(await page.textContent('button.primary')).toBe('Running…');
  await page.screenshot({ path: path.join(SHOTS, 'sql-running.png') });
  await cancel.click();
  await page.waitForSelector('pre.error');
  expect(await page.textContent('pre.error')).toBe('Query cancelled.');
  expect(await cancel.count()).toBe(0);
  expect(await page.textContent('button.primary')).toBe('Run');

  await page.click('.cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText('SELECT 42 AS answer');
  await page.click('button.primary');
  await page.waitForFunction(() => document.querySelector('[role=table] .row')?.textContent?.trim() === '42', undefined, { timeout: 30_000 });
});

test('charts have labelled axes, values in human units and a legend', async () => {
  await page.goto(`${base}/sql`);
  await page.click('text=p50 / p99 latency by service');
  await page.waitForFunction(() => document.querySelector('.cm-content')?.textContent?.includes('p99_ms'));
  await page.click('button.primary');
  await page.waitForSelector('svg.chart rect');
  expect(await page.textContent('svg.chart .y-title')).toBe('p50_ms, p99_ms');
  expect(await page.textContent('svg.chart .x-title')).toBe('ServiceName');
  expect(await page.locator('svg.chart .legend-item').allTextContents()).toEqual(['p50_ms', 'p99_ms']);
  const yTicks = await page.locator('svg.chart .y-tick').allTextContents();
  expect(yTicks.length).toBeGreaterThanOrEqual(3);
  for (const t of yTicks) expect(t).toMatch(/^(0|\d+(\.\d+)?(ns|µs|ms|s)|\d+m \d+s)$/);
  expect(await page.textContent('svg.chart')).not.toMatch(/e[+-]\d/);
  // A bar per service and column; each service's label under its bars.
  expect(await page.locator('svg.chart rect:not(.legend rect)').count()).toBe(16);
  expect(await page.locator('svg.chart .x-tick').allTextContents()).toContain('order-worker');
  await page.screenshot({ path: path.join(SHOTS, 'sql-chart-bars.png') });

  await page.click('text=Spans per minute');
  await page.waitForFunction(() => document.querySelector('.cm-content')?.textContent?.includes('toStartOfMinute'));
  await page.click('button.primary');
  await page.waitForSelector('svg.chart polyline');
  expect(await page.textContent('svg.chart .x-title')).toBe('minute');
  expect(await page.locator('svg.chart .legend-item').allTextContents()).toEqual(['spans', 'errors']);
  for (const t of await page.locator('svg.chart .y-tick').allTextContents()) expect(t).toMatch(/^\d+(\.\d+)?K?$/);
  await page.screenshot({ path: path.join(SHOTS, 'sql-chart-line.png') });
});

test('"Slowest traces" names the service of each trace\'s root span', async () => {
  await page.goto(`${base}/sql`);
  await page.click('text=Slowest traces');
  await page.waitForFunction(() => document.querySelector('.cm-content')?.textContent?.includes('root_service'));
  await page.click('button.primary');
  await page.waitForFunction(() => document.querySelectorAll('[role=table] .row').length === 3);
  const header = await page.locator('[role=table] .head [role=columnheader]').allTextContents();
  const column = header.findIndex((h) => h.startsWith('root_service'));
  const roots = await page.$$eval('[role=table] .row', (rows, c) => rows.map((r) => r.querySelectorAll('[role=cell]')[c]!.textContent!.trim()), column);
  expect(roots).toEqual(['frontend', 'frontend', 'frontend']);
  // Slowest first, with the trace's own duration.
  const durations = await page.$$eval(
    '[role=table] .row',
    (rows, c) => rows.map((r) => r.querySelectorAll('[role=cell]')[c]!.textContent!.trim()),
    header.findIndex((h) => h.startsWith('duration_ms')),
  );
  expect(durations).toEqual(['6880', '800', '300']);
  await page.screenshot({ path: path.join(SHOTS, 'sql-slowest-traces.png') });
});
