/** The SQL console in Chromium: examples, Ctrl+Enter, results, chart, CSV, history, refusals. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { makeTraces } from '../support/spans';
import { startChildServer, stopChildServer, type ChildServer } from '../support/child';

const SHOTS = path.join(__dirname, 'screenshots');
let dataDir: string;
let server: ChildServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-e2e-sql-'));
  server = await startChildServer(dataDir);
  const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${server.ports.otlpHttp}/v1/traces` });
  await new Promise<void>((resolve, reject) => exporter.export([...makeTraces().spans, ...makeTraces().spans], (r) => (r.code === 0 ? resolve() : reject(r.error))));
  await exporter.shutdown();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  await page.bringToFront();
  page.on('pageerror', (err) => {
    throw err;
  });
});

afterAll(async () => {
  await browser?.close();
  await stopChildServer(server, dataDir);
});

/** Whether a run started (it writes ?q= into the URL), the Run button, errors and focus: for a failure's message. */
async function pageState(): Promise<string> {
  return JSON.stringify({
    url: page.url(),
    button: await page.textContent('.actions .primary'),
    alerts: await page.locator('[role=alert]').allTextContents(),
    focused: await page.evaluate(() => document.activeElement?.className ?? null),
    editor: (await page.textContent('.cm-content'))?.slice(0, 80),
  });
}

/** Waits for the completion list to hold `label` (a list still showing earlier options is not it). */
async function completionOffers(label: string): Promise<void> {
  await page.waitForFunction((l) => document.querySelector('.cm-tooltip-autocomplete')?.textContent?.includes(l), label);
}

async function typeQuery(sql: string): Promise<void> {
  await page.click('.cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(sql);
}

test('an example runs with Ctrl+Enter and shows a table and a chart', async () => {
  await page.goto(`http://127.0.0.1:${server.ports.ui}/sql`);
  await page.waitForSelector('.cm-content');
  await page.click('text=p50 / p99 latency by service');
  // Under load the editor takes the example and the focus a moment later: a shortcut sent before that is lost.
  await page.waitForFunction(() => document.querySelector('.cm-content')?.textContent?.includes('p99_ms'));
  // The locator focuses the editor itself before the key: a loaded machine's headless window
  // may never report the focus a click gives (CodeMirror's .cm-focused), though keys arrive.
  await page.locator('.cm-content').press('Control+Enter');
  // The rows or the error, whichever comes; if neither does, the failure says what the page shows.
  await page.waitForSelector('[role=table] .row, [role=alert]').catch(async (err: Error) => {
    throw new Error(`${err.message}\nthe page: ${await pageState()}`);
  });
  expect(await page.locator('[role=alert]').allTextContents()).toEqual([]);
  expect(await page.locator('[role=table] .row').count()).toBe(3);
  expect(await page.textContent('[role=table] .head')).toContain('p99_ms');
  // Two bars (p50_ms, p99_ms) for each of the three services.
  expect(await page.locator('svg.chart rect:not(.legend rect)').count()).toBe(6);
  expect(page.url()).toContain('q=SELECT');
  await page.screenshot({ path: path.join(SHOTS, 'sql-console.png') });
});

test('completion offers columns of otel_traces', async () => {
  await typeQuery('SELECT Servi');
  await page.keyboard.press('Control+Space');
  await completionOffers('ServiceName');
  await page.keyboard.press('Escape');
});

test('CSV downloads, and queries go into the history', async () => {
  await typeQuery('SELECT ServiceName, count() AS n FROM otel_traces GROUP BY ServiceName ORDER BY ServiceName');
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => document.querySelectorAll('[role=table] .row').length === 3);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download CSV')]);
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  expect(csv).toBe('"ServiceName","n"\n"checkout",2\n"frontend",6\n"payments",4\n');
  const history = await page.evaluate(() => JSON.parse(localStorage.getItem('hindsight.sql.history') ?? '[]') as string[]);
  expect(history[0]).toContain('SELECT ServiceName, count() AS n');
  await page.reload();
  await page.waitForSelector('button.history');
  expect(await page.textContent('button.history >> nth=0')).toContain('SELECT ServiceName, count() AS n');
});

test('a refused statement shows why, and nothing changes', async () => {
  await typeQuery('DROP TABLE otel_traces');
  await page.keyboard.press('Control+Enter');
  await page.waitForSelector('pre.error');
  expect(await page.textContent('pre.error')).toContain('only SELECT, WITH, SHOW, DESCRIBE and EXPLAIN statements may run here');
  await typeQuery('SELECT count() AS n FROM otel_traces');
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => document.querySelector('[role=table] .row')?.textContent?.includes('12'));
  await page.screenshot({ path: path.join(SHOTS, 'sql-refused.png') });
});

test('the schema arriving while someone types keeps their editor, focus and text', async () => {
  // Hold the Tables panel's column listing back until the user has typed, as a slow server would.
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/v1/sql', async (route) => {
    if (route.request().postData()?.includes('FROM system.columns')) await held;
    await route.continue();
  });
  try {
    await page.goto(`http://127.0.0.1:${server.ports.ui}/sql`);
    await page.waitForSelector('.cm-content');
    await typeQuery('SELECT count() AS n FROM otel');
    await page.evaluate(() => ((document.querySelector('.cm-content') as HTMLElement).dataset.before = 'schema'));
    release();
    await page.waitForSelector('details summary');
    // The same editor, still focused, and the typing goes on where it was.
    expect(await page.evaluate(() => (document.querySelector('.cm-content') as HTMLElement).dataset.before)).toBe('schema');
    await page.keyboard.insertText('_traces');
    expect(await page.textContent('.cm-content')).toBe('SELECT count() AS n FROM otel_traces');
    // Completion now knows the columns (the table's completion, opened by the typing, closed first).
    await page.keyboard.press('Escape');
    await page.keyboard.insertText(' WHERE Servi');
    await page.keyboard.press('Control+Space');
    await completionOffers('ServiceName');
    await page.keyboard.press('Escape');
    await page.keyboard.insertText("ceName != ''");
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction(() => document.querySelector('[role=table] .row')?.textContent?.includes('12'));
  } finally {
    release();
    await page.unroute('**/api/v1/sql');
  }
});
