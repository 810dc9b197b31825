/**
 * What a new user meets when something is wrong, in Debian's Chromium against a real
 * server child process: a path that is no page, a bad trace id, a refused search, a page
 * whose code does not arrive, and the server going away and coming back while a page is
 * open. Every page names its tab. Screenshots go to tests/e2e/screenshots/.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { launchChromium } from '../support/browser';
import { post } from '../support/http';
import { jsonRequest, makeSimpleTrace, protobufRequest } from '../support/spans';
import { startChild, startChildServer, stopChildServer, type ChildServer } from '../support/child';

const SHOTS = path.join(__dirname, 'screenshots');
const CLI = path.resolve(__dirname, '../../dist/cmd/main.js');
const exec = promisify(execFile);

/** The built `hindsight` command, as a user runs it; its exit code instead of a throw. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], { timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let dataDir: string;
let server: ChildServer;
let browser: Browser;
let page: Page;
let base: string;
let spans: ReadableSpan[];
const pageErrors: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

async function stopServer(): Promise<void> {
  server.process.kill('SIGTERM');
  await server.exited;
}

/** The same data directory on the same viewer port, as a restart or an upgrade brings it back. */
async function restartServer(uiPort: string): Promise<void> {
  server = await startChild(['serve', '--data-dir', dataDir, '--ui-port', uiPort, '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--clickhouse-http-port', '0']);
}

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-outage-'));
  server = await startChildServer(dataDir);
  base = `http://127.0.0.1:${server.ports.ui}`;
  spans = makeSimpleTrace({ service: 'checkout', name: 'GET /cart', durationMs: 40, children: 2 });
  expect((await post(`http://127.0.0.1:${server.ports.otlpHttp}/v1/traces`, protobufRequest(spans), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
});

afterEach(() => {
  expect(pageErrors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await stopChildServer(server, dataDir);
});

test("a path that is no page shows the app's not-found page with a 404; API paths keep JSON 404s", async () => {
  const response = await page.goto(`${base}/nope`);
  expect(response?.status()).toBe(404);
  await page.waitForSelector('section.not-found');
  expect(await page.textContent('section.not-found')).toContain('There is no page at /nope in Hindsight.');
  expect(await page.content()).not.toContain('Cannot GET');
  expect(await page.title()).toBe('Not found · Hindsight');
  await shot('not-found');
  await page.click('section.not-found a');
  await page.waitForURL(`${base}/search`);

  for (const [url, body] of [
    ['/api/v1/nope', { error: { code: 'HS_NOT_FOUND', message: 'no API route for GET /api/v1/nope; see /api/v1/openapi.json' } }],
    ['/api/nope', expect.objectContaining({ errors: [{ code: 404, msg: 'no API route for GET /api/nope' }] })],
    ['/assets/nope.js', { error: { code: 'HS_NOT_FOUND', message: 'nothing at GET /assets/nope.js' } }],
  ] as const) {
    const r = await fetch(`${base}${url}`, { headers: { Accept: 'text/html,*/*' } });
    expect([url, r.status, r.headers.get('content-type')]).toEqual([url, 404, expect.stringContaining('application/json')]);
    expect(await r.json()).toEqual(body);
  }
});

test('every page names its tab', async () => {
  const traceId = spans[0]!.spanContext().traceId;
  for (const [url, title] of [
    ['/search', 'Search · Hindsight'],
    ['/search?service=checkout', 'Search checkout · Hindsight'],
    [`/trace/${traceId}`, `GET /cart · Trace ${traceId.replace(/^0+/, '').slice(0, 8)} · Hindsight`],
    [`/trace/${'ab'.repeat(16)}`, 'Trace abababab · not found · Hindsight'],
    ['/service/checkout', 'checkout · Service · Hindsight'],
    ['/dependencies', 'Dependencies · Hindsight'],
    ['/anomalies', 'Anomalies · Hindsight'],
    ['/explain?service=checkout', 'checkout · Why are these slow? · Hindsight'],
    ['/sql', 'SQL · Hindsight'],
    ['/nope', 'Not found · Hindsight'],
  ]) {
    await page.goto(`${base}${url}`);
    await page.waitForFunction((t) => document.title === t, title, { timeout: 10_000 }).catch(() => undefined);
    expect([url, await page.title()]).toEqual([url, title]);
  }
});

test('a refused search names the parameter once and marks its field', async () => {
  await page.goto(`${base}/search`);
  await page.fill('input[name=minDuration]', 'soon');
  await page.click('button[type=submit]');
  const alert = page.locator('section.results [role=alert]');
  await alert.waitFor();
  expect(await alert.textContent()).toBe('minDuration: "soon" is not a duration such as 250us, 100ms, 1.5s or 2m');
  expect(await page.getAttribute('input[name=minDuration]', 'aria-invalid')).toBe('true');
  expect(await page.getAttribute('input[name=maxDuration]', 'aria-invalid')).toBe('false');
  await shot('search-refused-duration');
});

test('"Go to trace id" says when what was typed is not a trace id, and goes when it is', async () => {
  await page.goto(`${base}/search`);
  await page.fill('input[name=id]', 'GET /cart');
  await page.press('input[name=id]', 'Enter');
  const error = page.locator('#jump-error');
  await error.waitFor();
  expect(await error.textContent()).toBe('"GET /cart" is not a trace id: a trace id has only the hex digits 0-9 and a-f.');
  expect(await page.getAttribute('input[name=id]', 'aria-invalid')).toBe('true');
  expect(new URL(page.url()).pathname).toBe('/search');
  await shot('jump-invalid-id');

  const traceId = spans[0]!.spanContext().traceId;
  await page.fill('input[name=id]', traceId.toUpperCase());
  expect(await error.count()).toBe(0);
  await page.press('input[name=id]', 'Enter');
  await page.waitForURL(`${base}/trace/${traceId}`);
  await page.waitForSelector('.row');
});

test('a lazy page whose code does not arrive says so, and loads when asked again', async () => {
  let refuse = true;
  await page.route('**/assets/Dependencies-*.js', (route) => (refuse ? route.abort() : route.continue()));
  try {
    await page.goto(`${base}/search`);
    await page.click('nav >> text=Dependencies');
    const failed = page.locator('section.failed');
    await failed.waitFor();
    expect(await failed.locator('h2').textContent()).toBe('The Dependencies page could not be loaded');
    expect(await failed.textContent()).toContain("Hindsight answers, but the page's code did not arrive.");
    expect(await page.title()).toBe('Dependencies · Hindsight');
    await shot('lazy-page-failed');
    refuse = false;
    await page.click('section.failed >> text=Try again');
    await page.waitForSelector('h2:has-text("Service dependencies")');
    expect(await failed.count()).toBe(0);
  } finally {
    await page.unroute('**/assets/Dependencies-*.js');
  }
});

test('a span stored twice shows once, with one warning that counts the copies; importing its export back stores nothing again', async () => {
  const twice = makeSimpleTrace({ service: 'importer', name: 'GET /twice', durationMs: 30, children: 2 });
  const traceId = twice[0]!.spanContext().traceId;
  // The same spans in both encodings: different requests to the receiver, so both are stored.
  const otlp = `http://127.0.0.1:${server.ports.otlpHttp}/v1/traces`;
  expect((await post(otlp, protobufRequest(twice), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
  expect((await post(otlp, jsonRequest(twice), { 'Content-Type': 'application/json' })).status).toBe(200);

  const warning = '⚠ 3 spans are stored more than once (identical copies: same span id, start and end); each is shown once';
  await page.goto(`${base}/trace/${traceId}`);
  await page.waitForSelector('.row');
  expect(await page.locator('.row').count()).toBe(3);
  expect(await page.locator('p.warn').allTextContents()).toEqual([warning]);
  await shot('trace-stored-twice');

  // The command line: an export imported back is found stored, and not sent a third time.
  const file = path.join(dataDir, '..', `${path.basename(dataDir)}-twice.jaeger.json`);
  const exported = await cli(['export', traceId, '--format', 'jaeger', '--url', base]);
  fs.writeFileSync(file, exported.stdout);
  try {
    const imported = await cli(['import', file, '--url', base]);
    expect([imported.code, imported.stdout, imported.stderr]).toEqual([
      1,
      // The export holds what is stored: both copies of each span.
      'imported 0 spans from 1 of 1 files; rejected 0; 6 already stored, not sent again\n',
      'hindsight import: nothing imported: all 6 spans are already stored\n',
    ]);
  } finally {
    fs.rmSync(file, { force: true });
  }
  await page.reload();
  await page.waitForSelector('.row');
  expect(await page.locator('.row').count()).toBe(3);
  expect(await page.locator('p.warn').allTextContents()).toEqual([warning]);
});

test('Chromium gets brotli-compressed answers and code, keeps the hashed code for a year, and revalidates index.html', async () => {
  const big = makeSimpleTrace({ service: 'wide', name: 'GET /wide', durationMs: 80, children: 300 });
  const traceId = big[0]!.spanContext().traceId;
  expect((await post(`http://127.0.0.1:${server.ports.otlpHttp}/v1/traces`, protobufRequest(big), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const fresh = await context.newPage();
  try {
    const seen = new Map<string, Record<string, string>>();
    fresh.on('response', (r) => {
      const { pathname } = new URL(r.url());
      seen.set(pathname.replace(/-[\w-]{8}\.(js|css)$/, '.$1'), r.headers());
    });
    await fresh.goto(`${base}/trace/${traceId}`);
    await fresh.waitForSelector('.row');
    expect(seen.get('/assets/index.js')).toMatchObject({ 'content-encoding': 'br', 'cache-control': 'public, max-age=31536000, immutable' });
    expect(seen.get(`/api/v1/traces/${traceId}`)).toMatchObject({ 'content-encoding': 'br', 'content-type': expect.stringContaining('application/json') });
    expect(seen.get(`/trace/${traceId}`)).toMatchObject({ 'content-encoding': 'br', 'cache-control': 'no-cache' });

    // On a reload the page is asked for again; its code comes from Chromium's cache.
    const cdp = await context.newCDPSession(fresh);
    await cdp.send('Network.enable');
    const urls = new Map<string, string>();
    cdp.on('Network.requestWillBeSent', (e: { requestId: string; request: { url: string } }) => urls.set(e.requestId, new URL(e.request.url).pathname));
    const cached = new Set<string>();
    cdp.on('Network.requestServedFromCache', (e: { requestId: string }) => cached.add(e.requestId));
    await fresh.reload();
    await fresh.waitForSelector('.row');
    const requested = [...urls].map(([id, pathname]) => ({ pathname, cached: cached.has(id) }));
    expect(requested.filter((r) => r.pathname.startsWith('/assets/'))).toEqual([
      { pathname: expect.stringMatching(/^\/assets\/index-[\w-]{8}\.js$/), cached: true },
      { pathname: expect.stringMatching(/^\/assets\/index-[\w-]{8}\.css$/), cached: true },
    ]);
    expect(requested).toContainEqual({ pathname: `/trace/${traceId}`, cached: false });
  } finally {
    await context.close();
  }
});

test('with the server gone, search says it is not reachable and retries with back-off; the open page recovers when it is back', async () => {
  const probes: number[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/healthz') probes.push(Date.now());
  });
  await page.goto(`${base}/search`);
  await page.waitForSelector('section.results[aria-busy="false"]');
  // Set on this document: still there at the end means nothing reloaded the page.
  await page.evaluate(() => Object.assign(window, { __sameDocument: true }));
  await stopServer();

  await page.selectOption('select[name=lookback]', '6h');
  await page.click('button[type=submit]');
  const banner = page.locator('[role=status].unreachable');
  await banner.waitFor();
  expect(await banner.textContent()).toMatch(/^Hindsight is not reachable; retrying/);
  expect(await page.textContent('section.results')).toContain('Waiting for Hindsight to answer; the search runs as soon as it does.');
  expect(await page.textContent('body')).not.toMatch(/TypeError|Failed to fetch/);
  await shot('search-server-down');

  // Three probes, each after a longer wait than the one before: 1 s, then 2 s, then 4 s.
  // (Waits are lower bounds: a busy machine only makes them longer.)
  while (probes.length < 3) await new Promise((r) => setTimeout(r, 200));
  const gaps = probes.slice(1, 3).map((t, i) => t - probes[i]!);
  expect(gaps[0]).toBeGreaterThanOrEqual(1900);
  expect(gaps[1]).toBeGreaterThanOrEqual(3900);

  await restartServer(new URL(base).port);
  await banner.waitFor({ state: 'detached', timeout: 30_000 });
  await page.waitForSelector(`a.result[data-trace-id="${spans[0]!.spanContext().traceId}"]`);
  expect(new URL(page.url()).searchParams.get('lookback')).toBe('6h');
  expect(await page.evaluate(() => (window as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await shot('search-server-back');
});

test('a lazy page opened while the server is gone says why, and loads by itself when it is back', async () => {
  // A context of its own: the pages above put every chunk in the shared page's HTTP cache
  // (hashed names, cached for a year), from which it would load with the server gone.
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(`${base}/search`);
  await page.waitForSelector('section.results[aria-busy="false"]');
  await page.evaluate(() => Object.assign(window, { __sameDocument: true }));
  await stopServer();

  await page.click('nav >> text=Anomalies');
  const failed = page.locator('section.failed');
  await failed.waitFor();
  expect(await failed.locator('h2').textContent()).toBe('The Anomalies page could not be loaded');
  expect(await failed.textContent()).toContain('Its code did not arrive because Hindsight is not reachable. It loads by itself when Hindsight answers again.');
  expect(await page.locator('[role=status].unreachable').count()).toBe(1);
  await shot('lazy-page-server-down');

  await restartServer(new URL(base).port);
  await page.waitForSelector('h2:has-text("Latency anomalies")', { timeout: 30_000 });
  expect(await failed.count()).toBe(0);
  expect(await page.title()).toBe('Anomalies · Hindsight');
  expect(await page.evaluate(() => (window as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await shot('lazy-page-server-back');
});
