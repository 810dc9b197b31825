/**
 * The dependency map and a service's RED page in Chromium, from SDK spans a few
 * minutes old so the server's edge job has whole minutes to work on.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { protobufRequest } from '../support/spans';
import { post } from '../support/http';
import { startChildServer, stopChildServer, type ChildServer } from '../support/child';

const SHOTS = path.join(__dirname, 'screenshots');
let dir: string;
let server: ChildServer;
let browser: Browser;
let page: Page;

/** web → cart → payments (2% failing) → api.stripe.com, over the last ten minutes. */
function shopTraffic(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const tracer = (s: string): ReturnType<BasicTracerProvider['getTracer']> =>
    new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': s }), spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('e2e');
  const [web, cart, pay] = ['web', 'cart', 'payments'].map(tracer) as [ReturnType<typeof tracer>, ReturnType<typeof tracer>, ReturnType<typeof tracer>];
  const start = Date.now() - 10 * 60_000;
  for (let i = 0; i < 100; i++) {
    const t = start + i * 5_000;
    const root = web.startSpan('GET /checkout', { kind: SpanKind.SERVER, startTime: t });
    const c = cart.startSpan('POST /cart', { kind: SpanKind.SERVER, startTime: t + 1 }, trace.setSpan(context.active(), root));
    const p = pay.startSpan('charge', { kind: SpanKind.SERVER, startTime: t + 2 }, trace.setSpan(context.active(), c));
    if (i % 50 === 0) p.setStatus({ code: 2 });
    const ext = pay.startSpan('POST /v1/charges', { kind: SpanKind.CLIENT, startTime: t + 3, attributes: { 'server.address': 'api.stripe.com' } }, trace.setSpan(context.active(), p));
    ext.end(t + 20 + (i % 10));
    p.end(t + 25 + (i % 10));
    c.end(t + 30 + (i % 10));
    root.end(t + 35 + (i % 10));
  }
  return memory.getFinishedSpans();
}

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-e2e-analytics-'));
  server = await startChildServer(dir, ['--dependency-interval-ms', '500']);
  expect((await post(`http://127.0.0.1:${server.ports.otlpHttp}/v1/traces`, protobufRequest(shopTraffic()), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
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

test('the dependency map draws services and external peers, a node opens its service page and an edge its traces; RED charts and a histogram bar that opens traces', async () => {
  const base = `http://127.0.0.1:${server.ports.ui}`;
  // The edge job runs every 500 ms; reload until its edges are there.
  for (let attempt = 0; attempt < 40; attempt++) {
    await page.goto(`${base}/dependencies`);
    await page.waitForSelector('.graph');
    await page.waitForTimeout(300);
    if ((await page.getAttribute('.graph', 'data-edges')) === '3') break;
  }
  expect(await page.getAttribute('.graph', 'data-nodes')).toBe('4');
  expect(await page.getAttribute('.graph', 'data-edges')).toBe('3');
  await page.screenshot({ path: path.join(SHOTS, 'dependencies.png') });

  await page.goto(`${base}/service/payments`);
  await page.waitForSelector('.chart .u-over');
  expect(await page.textContent('header h2')).toBe('payments');
  expect(await page.locator('.histogram .bar').count()).toBeGreaterThan(0);
  await page.screenshot({ path: path.join(SHOTS, 'service.png') });

  // On the map, a service node opens its page and an edge a search for its traces.
  await page.goto(`${base}/dependencies`);
  await page.waitForFunction(() => document.querySelector('.graph')?.getAttribute('data-positions')?.includes('payments'));
  const box = (await page.locator('.graph').boundingBox())!;
  const positions = JSON.parse((await page.getAttribute('.graph', 'data-positions'))!) as Record<string, { x: number; y: number }>;
  await page.mouse.click(box.x + positions['payments']!.x, box.y + positions['payments']!.y);
  await page.waitForURL(`${base}/service/payments`);
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('.graph')?.getAttribute('data-positions')?.includes('cart'));
  const again = JSON.parse((await page.getAttribute('.graph', 'data-positions'))!) as Record<string, { x: number; y: number }>;
  const [from, to] = [again['web']!, again['cart']!];
  await page.mouse.click(box.x + (from.x + to.x) / 2, box.y + (from.y + to.y) / 2);
  await page.waitForURL(/\/search\?service=cart/);

  // A histogram bar opens a search for the traces behind it.
  await page.goto(`${base}/service/payments`);
  await page.waitForSelector('.histogram .bar');
  await page.click('.histogram .bar >> nth=0');
  await page.waitForURL(/\/search\?service=payments.*minDuration=/);
  await page.waitForSelector('a.result');
  expect(await page.locator('a.result').count()).toBeGreaterThan(0);
});

test('the open map refreshes: a new service pair appears, and the zoom and the selection stay', async () => {
  const base = `http://127.0.0.1:${server.ports.ui}`;
  await page.goto(`${base}/dependencies?refresh=5s`);
  await page.waitForFunction(() => document.querySelector('.graph')?.getAttribute('data-positions')?.includes('api.stripe.com'));
  const box = (await page.locator('.graph').boundingBox())!;
  const positions = JSON.parse((await page.getAttribute('.graph', 'data-positions'))!) as Record<string, { x: number; y: number }>;
  // An external node does not navigate: a tap selects it.
  await page.mouse.click(box.x + positions['api.stripe.com']!.x, box.y + positions['api.stripe.com']!.y);
  await page.waitForFunction(() => document.querySelector('.graph')?.getAttribute('data-selected') === 'api.stripe.com');
  const fittedZoom = await page.getAttribute('.graph', 'data-zoom');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -400);
  await page.waitForFunction((before) => document.querySelector('.graph')?.getAttribute('data-zoom') !== before, fittedZoom);
  const zoom = await page.getAttribute('.graph', 'data-zoom');
  const edges = Number(await page.getAttribute('.graph', 'data-edges'));

  const memory = new InMemorySpanExporter();
  const tracer = (s: string): ReturnType<BasicTracerProvider['getTracer']> =>
    new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': s }), spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('e2e');
  const root = tracer('web').startSpan('GET /wishlist', { kind: SpanKind.SERVER, startTime: Date.now() - 20 });
  tracer('wishlist')
    .startSpan('GET /items', { kind: SpanKind.SERVER, startTime: Date.now() - 19 }, trace.setSpan(context.active(), root))
    .end(Date.now() - 10);
  root.end(Date.now() - 5);
  expect((await post(`http://127.0.0.1:${server.ports.otlpHttp}/v1/traces`, protobufRequest(memory.getFinishedSpans()), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);

  // No reload: the page asks again by itself.
  await page.waitForFunction(() => document.querySelector('.graph')?.getAttribute('data-positions')?.includes('wishlist'), undefined, { timeout: 30_000 });
  expect(Number(await page.getAttribute('.graph', 'data-edges'))).toBe(edges + 1);
  expect(await page.getAttribute('.graph', 'data-zoom')).toBe(zoom);
  expect(await page.getAttribute('.graph', 'data-selected')).toBe('api.stripe.com');
  expect(page.url()).toBe(`${base}/dependencies?refresh=5s`);
});

test('the anomalies page ranks a slow stretch, and the waterfall marks outlier spans', async () => {
  const base = `http://127.0.0.1:${server.ports.ui}`;
  // Five calls 100× slower than the hour of steady traffic before them.
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'cart' }), spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('e2e');
  const t = Date.now() - 2 * 60_000;
  for (let i = 0; i < 5; i++) tracer.startSpan('POST /cart', { kind: SpanKind.SERVER, startTime: t + i * 1000 }).end(t + i * 1000 + 3000);
  expect((await post(`http://127.0.0.1:${server.ports.otlpHttp}/v1/traces`, protobufRequest(memory.getFinishedSpans()), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
  const slowTrace = memory.getFinishedSpans()[0]!.spanContext().traceId;

  await page.goto(`${base}/anomalies`);
  await page.waitForSelector('.item');
  // Ten minutes of history: the baseline is young, so the item says so and is at most a warning.
  const first = page.locator('.group').first();
  expect(await first.getAttribute('data-cause')).toBe('cart POST /cart');
  expect(await first.locator('.item').first().getAttribute('data-severity')).toBe('warning');
  expect(await first.locator('.young').first().textContent()).toContain('Young baseline');
  expect(await page.locator('.item svg.spark polyline').count()).toBeGreaterThan(0);
  await page.screenshot({ path: path.join(SHOTS, 'anomalies.png') });

  await page.goto(`${base}/trace/${slowTrace}`);
  await page.waitForSelector('.row .flag.outlier');
  expect(await page.locator('.row .flag.outlier svg title').first().textContent()).toMatch(/σ above its baseline/);
});
