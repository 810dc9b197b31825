/**
 * The dependency map and a service's RED page in Chromium, from SDK spans a few
 * minutes old so the server's edge job has whole minutes to work on.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import type { DependenciesResponse } from '../../viewer/api/types';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { makeShapedTrace, protobufRequest } from '../support/spans';
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
  const { mid } = (await routes()).find((e) => e.id === 'web→cart→service')!;
  await page.mouse.click(box.x + mid.x, box.y + mid.y);
  // The traces where web calls cart: both services.
  await page.waitForURL(/\/search\?service=web&service=cart&/);

  // A histogram bar opens a search for the traces behind it.
  await page.goto(`${base}/service/payments`);
  await page.waitForSelector('.histogram .bar');
  await page.click('.histogram .bar >> nth=0');
  await page.waitForURL(/\/search\?service=payments.*minDuration=/);
  await page.waitForSelector('a.result');
  expect(await page.locator('a.result').count()).toBeGreaterThan(0);
});

interface Point {
  x: number;
  y: number;
}
interface Route {
  id: string;
  source: string;
  target: string;
  from: Point;
  to: Point;
  controls: Point[];
  mid: Point;
}
interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** Each drawn edge's ends, control points and label midpoint, as the page publishes them. */
async function routes(): Promise<Route[]> {
  return JSON.parse((await page.getAttribute('.graph', 'data-routes'))!) as Route[];
}

/**
 * Points along an edge as Cytoscape draws an unbundled bezier: a quadratic curve per control
 * point, each ending halfway to the next control point (the last at the target); a straight
 * line when there is none.
 */
function pathPoints(r: Route, steps = 40): Point[] {
  const points: Point[] = [];
  let start = r.from;
  r.controls.forEach((c, i) => {
    const next = r.controls[i + 1];
    const end = next ? { x: (c.x + next.x) / 2, y: (c.y + next.y) / 2 } : r.to;
    for (let k = 0; k <= steps; k++) {
      const t = k / steps;
      points.push({ x: (1 - t) ** 2 * start.x + 2 * (1 - t) * t * c.x + t ** 2 * end.x, y: (1 - t) ** 2 * start.y + 2 * (1 - t) * t * c.y + t ** 2 * end.y });
    }
    start = end;
  });
  if (r.controls.length === 0) for (let k = 0; k <= steps; k++) points.push({ x: r.from.x + ((r.to.x - r.from.x) * k) / steps, y: r.from.y + ((r.to.y - r.from.y) * k) / steps });
  return points;
}

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

/**
 * The shop a new user sends in a first hour: frontend → api-gateway → checkout, which calls
 * cart, catalog, payments (half failing), inventory and order-worker; cart and frontend call
 * catalog too, order-worker calls inventory. Edges that skip layers are the ones a straight
 * line would draw through a node.
 */
function shopTopology(startMs: number, fail: boolean): ReadableSpan[] {
  return makeShapedTrace(
    [
      { service: 'frontend', name: 'GET /checkout', startMs: 0, durationMs: 400 },
      { service: 'api-gateway', name: 'POST /api/checkout', parent: 0, startMs: 10, durationMs: 370 },
      { service: 'checkout', name: 'checkout.place_order', parent: 1, startMs: 20, durationMs: 340 },
      { service: 'cart', name: 'cart.get_items', parent: 2, startMs: 30, durationMs: 50 },
      { service: 'catalog', name: 'catalog.lookup_product', parent: 3, startMs: 40, durationMs: 20 },
      { service: 'catalog', name: 'catalog.lookup_product', parent: 2, startMs: 90, durationMs: 20 },
      { service: 'payments', name: 'payments validate card', parent: 2, startMs: 120, durationMs: 80, error: fail },
      { service: 'inventory', name: 'inventory.reserve_items', parent: 2, startMs: 210, durationMs: 40 },
      { service: 'order-worker', name: 'process order', parent: 2, startMs: 260, durationMs: 80 },
      { service: 'inventory', name: 'inventory.reserve_items', parent: 8, startMs: 270, durationMs: 30 },
      { service: 'catalog', name: 'catalog.lookup_product', parent: 0, startMs: 2, durationMs: 5 },
    ],
    startMs,
  );
}

const SHOP_EDGES = [
  'frontend→api-gateway',
  'api-gateway→checkout',
  'checkout→cart',
  'cart→catalog',
  'checkout→catalog',
  'checkout→payments',
  'checkout→inventory',
  'checkout→order-worker',
  'order-worker→inventory',
  'frontend→catalog',
].map((e) => `${e}→service`);

test('the first-hour shop: layers left to right, no edge through a node nor a label over one, labels on a background, figures on hover, an edge opens the traces of both its services', async () => {
  const base = `http://127.0.0.1:${server.ports.ui}`;
  const spans = Array.from({ length: 20 }, (_, i) => shopTopology(Date.now() - 120_000 + i * 1_000, i % 2 === 0)).flat();
  expect((await post(`http://127.0.0.1:${server.ports.otlpHttp}/v1/traces`, protobufRequest(spans), { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);
  // The edge job works by whole minutes: wait until the map's API counts all twenty calls.
  for (let attempt = 0; attempt < 120; attempt++) {
    const map = (await (await fetch(`${base}/api/v1/dependencies?lookback=1h`)).json()) as DependenciesResponse;
    if (map.edges.find((e) => e.parent === 'checkout' && e.child === 'payments')?.calls === 20) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await page.goto(`${base}/dependencies?refresh=5s`);
  await page.waitForFunction(
    (ids) => {
      const drawn = document.querySelector('.graph')?.getAttribute('data-routes') ?? '';
      return ids.every((id) => drawn.includes(`"${id}"`));
    },
    SHOP_EDGES,
    { timeout: 30_000 },
  );
  // Let a last refresh settle: the routes and positions of one layout.
  await page.waitForTimeout(500);
  const drawn = await routes();
  const boxes = JSON.parse((await page.getAttribute('.graph', 'data-boxes'))!) as Record<string, Box>;
  const shop = drawn.filter((r) => SHOP_EDGES.includes(r.id));
  expect(shop).toHaveLength(SHOP_EDGES.length);

  // Layered left to right: every caller is drawn left of its callee.
  for (const r of shop) expect([r.id, boxes[r.source]!.x2 < boxes[r.target]!.x1]).toEqual([r.id, true]);
  // No edge passes through a node other than its own two.
  const crossings: string[] = [];
  for (const r of drawn) {
    for (const [id, b] of Object.entries(boxes)) {
      if (id === r.source || id === r.target) continue;
      if (pathPoints(r).some((p) => p.x > b.x1 && p.x < b.x2 && p.y > b.y1 && p.y < b.y2)) crossings.push(`${r.id} through ${id}`);
    }
  }
  expect(crossings).toEqual([]);
  // No edge's label covers a node or its edge's arrowhead. Cytoscape's arrowhead is 0.3 ×
  // max((width × 13.37)^0.9, 29) long: at most 25 units for the widest edge (10).
  const labels = JSON.parse((await page.getAttribute('.graph', 'data-labels'))!) as Record<string, Box>;
  const zoom = Number(await page.getAttribute('.graph', 'data-zoom'));
  const covered: string[] = [];
  for (const r of drawn) {
    const l = labels[r.id]!;
    for (const [id, b] of Object.entries(boxes)) if (l.x1 < b.x2 && b.x1 < l.x2 && l.y1 < b.y2 && b.y1 < l.y2) covered.push(`${r.id} label over ${id}`);
    const tip = pathPoints(r).filter((p) => Math.hypot(p.x - r.to.x, p.y - r.to.y) < 25 * zoom);
    if (tip.some((p) => p.x > l.x1 && p.x < l.x2 && p.y > l.y1 && p.y < l.y2)) covered.push(`${r.id} label over its arrowhead`);
  }
  expect(covered).toEqual([]);
  await page.screenshot({ path: path.join(SHOTS, 'dependencies-shop.png') });

  // The label of the failing checkout → payments edge (red) sits on a background box: no red
  // pixel of the line shows through around its middle.
  const pay = shop.find((r) => r.id === 'checkout→payments→service')!;
  const redAroundLabel = await page.evaluate((at) => {
    let red = 0;
    for (const canvas of Array.from(document.querySelectorAll<HTMLCanvasElement>('.graph canvas'))) {
      const ratio = canvas.width / canvas.clientWidth;
      const pixels = canvas.getContext('2d')!.getImageData(Math.round((at.x - 8) * ratio), Math.round((at.y - 2) * ratio), Math.round(16 * ratio), Math.round(4 * ratio)).data;
      for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3]! > 128 && pixels[i]! > 170 && pixels[i + 1]! < 100 && pixels[i + 2]! < 100) red++;
    }
    return red;
  }, pay.mid);
  expect(redAroundLabel).toBe(0);
  // The same test sees the line itself: red pixels along the edge away from its label.
  const line = pathPoints(pay).find((p) => Math.hypot(p.x - pay.mid.x, p.y - pay.mid.y) > 60 && Math.hypot(p.x - pay.to.x, p.y - pay.to.y) > 30)!;
  const redOnLine = await page.evaluate((at) => {
    let red = 0;
    for (const canvas of Array.from(document.querySelectorAll<HTMLCanvasElement>('.graph canvas'))) {
      const ratio = canvas.width / canvas.clientWidth;
      const pixels = canvas.getContext('2d')!.getImageData(Math.round((at.x - 3) * ratio), Math.round((at.y - 3) * ratio), Math.round(6 * ratio), Math.round(6 * ratio)).data;
      for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3]! > 128 && pixels[i]! > 170 && pixels[i + 1]! < 100 && pixels[i + 2]! < 100) red++;
    }
    return red;
  }, line);
  expect(redOnLine).toBeGreaterThan(0);

  // Hover: a node shows its rate, errors and its callers' latency; an edge its rate, errors and percentiles.
  // payments served the first test's hundred requests (server spans); the shop's spans of it are
  // internal ones, which reach it as calls from checkout.
  const box = (await page.locator('.graph').boundingBox())!;
  const positions = JSON.parse((await page.getAttribute('.graph', 'data-positions'))!) as Record<string, Point>;
  await page.mouse.move(box.x + positions['payments']!.x, box.y + positions['payments']!.y);
  await page.waitForSelector('[role="tooltip"][data-for="payments"]');
  const nodeTip = await page.textContent('[role="tooltip"]');
  expect(nodeTip).toMatch(/\/s · 100 requests/);
  expect(nodeTip).toContain('2 errors (2.0%)');
  expect(nodeTip).toContain('120 calls in from 2 callers');
  expect(nodeTip).toContain('from checkout: p50');
  // frontend, which nothing calls, is measured by the twenty requests it served: as big as
  // api-gateway, whose only figures are frontend's twenty calls into it.
  await page.mouse.move(box.x + positions['frontend']!.x, box.y + positions['frontend']!.y);
  await page.waitForSelector('[role="tooltip"][data-for="frontend"]');
  expect(await page.textContent('[role="tooltip"]')).toMatch(/\/s · 20 requests/);
  const width = (id: string): number => boxes[id]!.x2 - boxes[id]!.x1;
  expect(width('frontend')).toBeCloseTo(width('api-gateway'), 0);
  await page.mouse.move(box.x + pay.mid.x, box.y + pay.mid.y);
  await page.waitForSelector('[role="tooltip"][data-for="checkout→payments→service"]');
  const edgeTip = (await page.textContent('[role="tooltip"]'))!;
  expect(edgeTip).toContain('checkout → payments');
  expect(edgeTip).toContain('10 errors (50.0%)');
  expect(edgeTip).toMatch(/p50 [\d.]+ms · p95 [\d.]+ms · p99 [\d.]+ms/);
  await page.screenshot({ path: path.join(SHOTS, 'dependencies-hover.png') });

  // A click on checkout → cart searches the traces where checkout calls cart: all twenty, each with both.
  const cart = shop.find((r) => r.id === 'checkout→cart→service')!;
  await page.mouse.click(box.x + cart.mid.x, box.y + cart.mid.y);
  await page.waitForURL(`${base}/search?service=checkout&service=cart&lookback=1h`);
  await page.waitForSelector('a.result');
  expect(await page.locator('a.result').count()).toBe(20);
  for (const text of await page.locator('a.result').allTextContents()) {
    expect(text).toContain('checkout');
    expect(text).toContain('cart');
  }
  expect(await page.textContent('.with-services')).toContain('cart');
});
