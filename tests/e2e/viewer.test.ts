/**
 * The viewer in Debian's Chromium against a real server child process, with spans
 * sent by the real OpenTelemetry exporter. Each test leaves a screenshot in
 * tests/e2e/screenshots/ (git-ignored) to look at.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { makeSimpleTrace, makeTraces } from '../support/spans';
import { startChildServer, stopChildServer, type ChildServer } from '../support/child';

const SHOTS = path.join(__dirname, 'screenshots');
const HOSTILE_IMG = '<img src=x onerror="window.__xss=1">';
const HOSTILE_SCRIPT = '<script>window.__xss=1</script>';

let dataDir: string;
let server: ChildServer;
let browser: Browser;
let page: Page;
let base: string;
let tree: ReadableSpan[];
let slow: ReadableSpan[];
let hostile: ReadableSpan[];
/** Content-Security-Policy violations Chromium reported on the shared page. */
const violations: string[] = [];

async function send(port: number, spans: ReadableSpan[]): Promise<void> {
  const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces` });
  await new Promise<void>((resolve, reject) => exporter.export(spans, (r) => (r.code === 0 ? resolve() : reject(r.error))));
  await exporter.shutdown();
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

const idOf = (spans: ReadableSpan[], name: string): { traceId: string; spanId: string } => spans.find((s) => s.name === name)!.spanContext();

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-e2e-'));
  server = await startChildServer(dataDir);
  base = `http://127.0.0.1:${server.ports.ui}`;
  tree = makeTraces().spans;
  slow = makeSimpleTrace({ service: 'api', name: 'GET /slow', durationMs: 1200, children: 6, attributes: { 'http.route': '/slow', 'user.id': 'u-7' } });
  hostile = makeSimpleTrace({ service: 'api', name: `GET ${HOSTILE_SCRIPT}`, durationMs: 5, attributes: { comment: HOSTILE_IMG, [HOSTILE_SCRIPT]: HOSTILE_SCRIPT } });
  await send(server.ports.otlpHttp, [...tree, ...slow, ...hostile, ...makeSimpleTrace({ service: 'api', name: 'GET /fast', durationMs: 5 })]);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (err) => {
    throw err;
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await stopChildServer(server, dataDir);
});

test('search by service, open a trace, collapse and expand, open a span', async () => {
  await page.goto(`${base}/search`);
  await page.selectOption('select[name=service]', 'api');
  await page.click('button[type=submit]');
  await page.waitForURL(/service=api/);
  const results = page.locator('a.result');
  // The unfiltered results of the first load stay on screen until the filtered ones arrive.
  await page.waitForSelector('section.results[aria-busy="false"]');
  await page.waitForSelector(`a.result[data-trace-id="${idOf(slow, 'GET /slow').traceId}"]`);
  expect(await results.count()).toBe(3);
  await shot('search-by-service');

  await page.click(`a.result[data-trace-id="${idOf(slow, 'GET /slow').traceId}"]`);
  await page.waitForURL(`${base}/trace/${idOf(slow, 'GET /slow').traceId}`);
  const rows = page.locator('.row');
  await page.waitForSelector('.row');
  expect(await rows.count()).toBe(7);
  await page.click('.row >> nth=0 >> button.toggle');
  expect(await rows.count()).toBe(1);
  // A collapse is part of the view, so it is in the URL and survives a reload.
  expect(new URL(page.url()).searchParams.get('collapsed')).toBe(idOf(slow, 'GET /slow').spanId);
  await page.reload();
  await page.waitForSelector('.row');
  expect(await rows.count()).toBe(1);
  await page.click('.row >> nth=0 >> button.toggle');
  expect(await rows.count()).toBe(7);
  expect(page.url()).not.toContain('collapsed=');

  await page.click('.row >> nth=0');
  await page.waitForSelector('aside.detail');
  expect(await page.textContent('aside.detail')).toContain('u-7');
  // The root of this trace has most of the critical path's time to itself (its children take 1 ms of 1.2 s).
  expect(await page.textContent('aside.detail dd.critical')).toMatch(/^on it · 99\.\d% of the trace's latency is this span's own time$/);
  expect(page.url()).toContain(`span=${idOf(slow, 'GET /slow').spanId}`);
  await shot('trace-with-span');
});

test('a hand-edited search range that is not a time still shows the search page', async () => {
  await page.goto(`${base}/search?start=abc&end=def`);
  await page.waitForSelector('section.results[aria-busy="false"]');
  expect(await page.locator('select[name=service]').count()).toBe(1);
  expect(await page.inputValue('select[name=lookback]')).toBe('1h');
  await shot('search-bad-range');
});

test('search by attribute', async () => {
  await page.goto(`${base}/search`);
  await page.fill('input[name=attr]', 'user.id=u-7');
  await page.press('input[name=attr]', 'Enter');
  await page.click('button[type=submit]');
  await page.waitForURL(/attr=user.id%3Du-7/);
  await page.waitForSelector('section.results[aria-busy="false"]');
  await page.waitForFunction(() => document.querySelectorAll('a.result').length === 1);
  const ids = await page.locator('a.result').evaluateAll((links) => links.map((l) => l.getAttribute('data-trace-id')));
  expect(ids).toEqual([idOf(slow, 'GET /slow').traceId]);
  await shot('search-by-attribute');
});

test('follow a span link to the linked trace', async () => {
  const root = idOf(tree, 'GET /checkout');
  const earlier = idOf(tree, 'earlier job');
  await page.goto(`${base}/trace/${root.traceId}?span=${root.spanId}`);
  const link = page.locator(`aside.detail a[href^="/trace/${earlier.traceId}"]`);
  await link.waitFor();
  await shot('span-with-link');
  await link.click();
  await page.waitForURL(`${base}/trace/${earlier.traceId}?span=${earlier.spanId}`);
  await page.waitForSelector(`.row[data-span-id="${earlier.spanId}"].selected`);
  expect(await page.textContent('.summary h2')).toContain('earlier job');
  await shot('followed-link');
});

test('reloading a deep link gives the same view back', async () => {
  const { traceId, spanId } = idOf(slow, 'GET /slow');
  const url = `${base}/trace/${traceId}?span=${spanId}&find=query&window=0.0000-0.5000`;
  await page.goto(url);
  await page.waitForSelector('aside.detail');
  const before = { url: page.url(), matches: await page.locator('.row.match').count(), find: await page.inputValue('input[aria-label="Find in trace"]') };
  expect(before.matches).toBe(6);
  expect(before.find).toBe('query');
  await page.reload();
  await page.waitForSelector('aside.detail');
  expect({ url: page.url(), matches: await page.locator('.row.match').count(), find: await page.inputValue('input[aria-label="Find in trace"]') }).toEqual(before);
  await shot('deep-link');
});

test('keyboard: arrows move the selection, n jumps to the next match', async () => {
  const { traceId, spanId } = idOf(slow, 'GET /slow');
  await page.goto(`${base}/trace/${traceId}?span=${spanId}&find=query%203`);
  await page.waitForSelector('aside.detail');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction((root) => !window.location.search.includes(`span=${root}`), spanId);
  await page.keyboard.press('n');
  await page.waitForFunction(() => document.querySelector('aside.detail h3')?.textContent?.includes('query 3'));
});

test('keyboard: left collapses, Enter jumps to the next match and reveals it, the view survives a reload, Escape clears', async () => {
  const root = idOf(tree, 'GET /checkout');
  const call = idOf(tree, 'POST checkout');
  const charge = idOf(tree, 'charge card');
  await page.goto(`${base}/trace/${root.traceId}?span=${root.spanId}&find=charge`);
  await page.waitForSelector('aside.detail');
  const rows = page.locator('.row');
  expect(await rows.count()).toBe(5);
  // The find text is marked inside the matching names, as text.
  expect(await page.locator('.row.match mark').allTextContents()).toEqual(['charge', 'charge']);
  expect(await page.textContent('.match-count')).toBe('2 matches');

  await page.keyboard.press('ArrowRight');
  await page.waitForSelector(`.row[data-span-id="${call.spanId}"].selected`);
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => document.querySelectorAll('.row').length === 2);
  expect(new URL(page.url()).searchParams.get('collapsed')).toBe(call.spanId);
  await page.reload();
  await page.waitForSelector(`.row[data-span-id="${call.spanId}"].selected`);
  expect(await rows.count()).toBe(2);

  await page.keyboard.press('Enter');
  await page.waitForSelector(`.row[data-span-id="${charge.spanId}"].selected`);
  expect(await rows.count()).toBe(5);
  expect(page.url()).not.toContain('collapsed=');
  expect(await page.textContent('.match-count')).toBe('1 / 2');
  expect(await page.textContent('aside.detail h3')).toContain('charge card');
  await shot('find-and-keyboard');

  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.querySelector('aside.detail') === null);
  expect(new URL(page.url()).search).toBe('');
  expect(await page.locator('.row.match').count()).toBe(0);
});

test('a scatter dot opens its trace, and dragging on the minimap zooms the waterfall', async () => {
  const { traceId } = idOf(slow, 'GET /slow');
  await page.goto(`${base}/search?service=api`);
  await page.click(`circle[data-trace-id="${traceId}"]`);
  await page.waitForURL(`${base}/trace/${traceId}`);
  const minimap = page.locator('.minimap');
  const box = (await minimap.boundingBox())!;
  await page.mouse.move(box.x + 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.waitForURL(/window=0\.0\d+-0\.[45]\d+/);
  // The first tick of the axis is now the window's start and the last its end, about half the trace.
  expect(await page.textContent('.axis .time-col span.end')).toMatch(/^(5\d\d|6\d\d)ms$/);
  await shot('zoomed');
  await page.click('button.reset');
  await page.waitForFunction(() => !window.location.search.includes('window='));
});

test('hostile strings from spans render as text and run nothing', async () => {
  const { traceId, spanId } = idOf(hostile, `GET ${HOSTILE_SCRIPT}`);
  await page.goto(`${base}/trace/${traceId}?span=${spanId}`);
  await page.waitForSelector('aside.detail');
  const detail = await page.textContent('aside.detail');
  expect(detail).toContain(HOSTILE_IMG);
  expect(detail).toContain(HOSTILE_SCRIPT);
  expect(await page.textContent('.summary h2')).toContain(`GET ${HOSTILE_SCRIPT}`);
  expect(await page.locator('aside.detail img, main script, .row img').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  await page.goto(`${base}/search?service=api`);
  await page.waitForSelector('a.result');
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  await shot('hostile-strings');
});

test('every page runs under the Content-Security-Policy without a violation, and inline script is refused', async () => {
  const { traceId, spanId } = idOf(tree, 'GET /checkout');
  await page.goto(`${base}/trace/${traceId}?span=${spanId}&find=charge`);
  await page.waitForSelector('aside.detail');
  await page.goto(`${base}/sql`);
  await page.waitForSelector('.cm-editor');
  await page.goto(`${base}/search?service=api`);
  await page.waitForSelector('a.result');
  expect(violations).toEqual([]);
  // Were markup from a span ever inserted, its inline script would not run.
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__csp = 1';
    document.body.append(script);
  });
  expect(await page.evaluate(() => (window as unknown as { __csp?: number }).__csp)).toBeUndefined();
  // ...because the policy refused it (Chromium reports that on the console, a moment later).
  for (let i = 0; i < 50 && violations.length === 0; i++) await page.waitForTimeout(20);
  expect(violations.join('\n')).toMatch(/script-src 'self'/);
});

test('the theme follows the system and toggles', async () => {
  const dark = await browser.newPage({ viewport: { width: 1400, height: 900 }, colorScheme: 'dark' });
  const { traceId, spanId } = idOf(tree, 'GET /checkout');
  await dark.goto(`${base}/trace/${traceId}?span=${spanId}`);
  await dark.waitForSelector('aside.detail');
  expect(await dark.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true);
  await dark.screenshot({ path: path.join(SHOTS, 'trace-dark.png') });
  await dark.goto(`${base}/search?service=api`);
  await dark.waitForSelector('a.result');
  await dark.screenshot({ path: path.join(SHOTS, 'search-dark.png') });
  await dark.click('button.theme');
  expect(await dark.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(false);
  await dark.close();
});

test('with no data yet, the viewer shows the exporter settings to copy', async () => {
  const emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-e2e-empty-'));
  const empty = await startChildServer(emptyDir);
  try {
    // The ports this server is bound to (the test server's own, never the defaults), with a copy button each.
    const { otlpHttp, otlpGrpc } = empty.ports;
    expect([otlpHttp, otlpGrpc]).not.toContain(4318);
    const context = await browser.newContext({ viewport: { width: 900, height: 800 }, permissions: ['clipboard-read', 'clipboard-write'] });
    const narrow = await context.newPage();
    await narrow.goto(`http://127.0.0.1:${empty.ports.ui}/`);
    await narrow.waitForSelector('section.empty pre');
    const text = await narrow.textContent('section.empty');
    expect(text).toContain(`OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:${otlpHttp}\nOTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf`);
    expect(text).toContain(`OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:${otlpGrpc}\nOTEL_EXPORTER_OTLP_PROTOCOL=grpc`);
    expect(text).toContain(`endpoint: http://127.0.0.1:${otlpHttp}`);
    expect(text).not.toContain(':4318');
    expect(await narrow.locator('section.empty button.copy').count()).toBe(3);
    await narrow.click('button[aria-label="Copy OTLP/gRPC settings"]');
    await narrow.waitForSelector('button[aria-label="Copy OTLP/gRPC settings"]:has-text("Copied")');
    expect(await narrow.evaluate(() => navigator.clipboard.readText())).toBe(`OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:${otlpGrpc}\nOTEL_EXPORTER_OTLP_PROTOCOL=grpc`);
    // No code block is cut off at 900 px: each shows all its text, none scrolls sideways.
    const clipped = await narrow.$$eval('section.empty pre', (pres) => pres.filter((p) => p.scrollWidth > p.clientWidth).map((p) => p.textContent));
    expect(clipped).toEqual([]);
    await narrow.screenshot({ path: path.join(SHOTS, 'empty-state-900.png') });
    await context.close();
    await page.goto(`http://127.0.0.1:${empty.ports.ui}/`);
    await page.waitForSelector('section.empty pre');
    await shot('empty-state');
  } finally {
    empty.process.kill('SIGTERM');
    await empty.exited;
    fs.rmSync(emptyDir, { recursive: true, force: true });
  }
});
