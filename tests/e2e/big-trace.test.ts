/**
 * Big traces in Debian's Chromium (issue 18): a 50,000-span trace and a 10,000-deep chain, made
 * by the OpenTelemetry SDK and sent by its OTLP exporter to a server child process. What is
 * checked is what a user sees, not how fast (tests/bench/viewer.js times the same trace): the
 * waterfall keeps a bounded number of rows in the DOM and still reaches the last span, find
 * reveals a span deep in the trace, statistics count every span, the flame graph draws, and the
 * deepest rows of the chain show their names and bars.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { context, trace, SpanKind, type Context, type Span } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { launchChromium } from '../support/browser';
import { startChildServer, stopChildServer, type ChildServer } from '../support/child';

jest.setTimeout(180_000);

const SHOTS = path.join(__dirname, 'screenshots');
const WIDE = 50_000;
const DEEP = 10_000;
const NEEDLE = 'charge card 4242';
let dataDir: string;
let server: ChildServer;
let browser: Browser;
let page: Page;
let base: string;
let wide: { traceId: string; needleSpanId: string };
let deep: { traceId: string; deepestSpanId: string };
const pageErrors: string[] = [];

function tracers(memory: InMemorySpanExporter, services: string[]): Map<string, ReturnType<BasicTracerProvider['getTracer']>> {
  return new Map(services.map((s) => [s, new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': s }), spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('e2e')]));
}

/**
 * A root and a fan-out tree (8 children a span) over five services, every span inside its
 * parent's time; one span near the end of the tree is the needle find looks for.
 */
function wideTrace(): { spans: ReadableSpan[]; traceId: string; needleSpanId: string } {
  const memory = new InMemorySpanExporter();
  const services = ['gateway', 'reports', 'ledger', 'pricing', 'db'];
  const byService = tracers(memory, services);
  const t0 = Date.now() - 120_000;
  const made: { span: Span; ctx: Context; start: number; depth: number }[] = [];
  for (let i = 0; i < WIDE; i++) {
    const parent = i === 0 ? undefined : made[Math.floor((i - 1) / 8)]!;
    const depth = parent ? parent.depth + 1 : 0;
    const start = parent ? parent.start + 1 + (i % 8) * 0.1 : t0;
    const name = i === WIDE - 10 ? NEEDLE : i === 0 ? 'GET /report' : `op ${i % 50}`;
    const span = byService
      .get(services[i % 5]!)!
      .startSpan(name, { kind: i === 0 ? SpanKind.SERVER : SpanKind.INTERNAL, startTime: start, attributes: { 'app.index': i } }, parent?.ctx ?? context.active());
    made.push({ span, ctx: trace.setSpan(context.active(), span), start, depth });
  }
  // A span at depth d lasts 2000 / (d + 1) ms: its children (from 1.7 ms after its start) end before it does.
  for (const m of made) m.span.end(m.start + 2000 / (m.depth + 1));
  const ids = made.map((m) => m.span.spanContext());
  return { spans: memory.getFinishedSpans(), traceId: ids[0]!.traceId, needleSpanId: ids[WIDE - 10]!.spanId };
}

/** One service calling itself DEEP levels down, each span inside its parent. */
function deepChain(): { spans: ReadableSpan[]; traceId: string; deepestSpanId: string } {
  const memory = new InMemorySpanExporter();
  const tracer = tracers(memory, ['resolver']).get('resolver')!;
  const t0 = Date.now() - 60_000;
  let ctx = context.active();
  const open: Span[] = [];
  for (let i = 0; i < DEEP; i++) {
    const span = tracer.startSpan(`resolve level ${i}`, { startTime: t0 + i * 0.01 }, ctx);
    open.push(span);
    ctx = trace.setSpan(ctx, span);
  }
  open.forEach((span, i) => span.end(t0 + 200 - i * 0.01));
  return { spans: memory.getFinishedSpans(), traceId: open[0]!.spanContext().traceId, deepestSpanId: open[DEEP - 1]!.spanContext().spanId };
}

async function send(spans: ReadableSpan[]): Promise<void> {
  const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${server.ports.otlpHttp}/v1/traces`, timeoutMillis: 60_000 });
  for (let i = 0; i < spans.length; i += 5000) {
    await new Promise<void>((resolve, reject) => exporter.export(spans.slice(i, i + 5000), (r) => (r.code === 0 ? resolve() : reject(r.error ?? new Error('export failed')))));
  }
  await exporter.shutdown();
}

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-e2e-big-'));
  server = await startChildServer(dataDir);
  base = `http://127.0.0.1:${server.ports.ui}`;
  const w = wideTrace();
  const d = deepChain();
  await send(w.spans);
  await send(d.spans);
  wide = w;
  deep = d;
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

/** The selected row's name and bar, and whether each lies inside the waterfall's columns, with some of the name showing. */
async function selectedRow(): Promise<{ name: string; nameShown: number; barInside: boolean }> {
  return page.$eval('.row.selected', (row) => {
    const box = (selector: string): DOMRect => row.querySelector(selector)!.getBoundingClientRect();
    const [col, label, times, bar] = [box('.name-col'), box('.label'), box('.time-col'), box('.bar')];
    return {
      name: row.querySelector('.op')!.textContent!.trim(),
      nameShown: Math.min(label.right, col.right) - Math.max(label.left, col.left),
      barInside: bar.width > 0 && bar.left >= times.left && bar.right <= times.right + 1,
    };
  });
}

test('50,000 spans: every span counted, a bounded number of rows in the DOM, and End reaches the last', async () => {
  await page.goto(`${base}/trace/${wide.traceId}`);
  await page.waitForSelector('.row', { timeout: 120_000 });
  expect(await page.textContent('.stats')).toMatch(/Spans\s*50000/);
  expect(await page.locator('.row').count()).toBeLessThan(200);
  await page.keyboard.press('End');
  await page.waitForURL(/span=/);
  const last = new URL(page.url()).searchParams.get('span')!;
  await page.waitForSelector(`.row.selected[data-span-id="${last}"]`);
  expect(await page.locator('.row.selected').isVisible()).toBe(true);
  const row = await selectedRow();
  expect(row.nameShown).toBeGreaterThan(50);
  expect(row.barInside).toBe(true);
  expect(await page.locator('.row').count()).toBeLessThan(200);
  await page.screenshot({ path: path.join(SHOTS, 'big-trace-end.png') });
});

test('find reveals a span near the end of the 50,000 and selects it', async () => {
  await page.goto(`${base}/trace/${wide.traceId}`);
  await page.waitForSelector('.row', { timeout: 120_000 });
  await page.fill('input[aria-label="Find in trace"]', NEEDLE);
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`span=${wide.needleSpanId}`));
  await page.waitForSelector(`.row.selected[data-span-id="${wide.needleSpanId}"]`);
  expect(await page.locator('.row.selected').isVisible()).toBe(true);
  expect((await selectedRow()).name).toBe(NEEDLE);
  expect(await page.textContent('.match-count')).toMatch(/^1 \/ 1$/);
});

test('statistics count all 50,000 spans by service, and the flame graph draws them', async () => {
  await page.goto(`${base}/trace/${wide.traceId}?view=stats&group=service`);
  await page.waitForSelector('tr.stat-row', { timeout: 120_000 });
  const counts = await page.$$eval('tr.stat-row td:nth-child(2)', (cells) => cells.map((c) => Number(c.textContent!.replace(/\D/g, ''))));
  expect(counts).toHaveLength(5);
  expect(counts.reduce((a, b) => a + b, 0)).toBe(WIDE);
  await page.goto(`${base}/trace/${wide.traceId}?view=flame`);
  await page.waitForFunction(() => Number(document.querySelector('section.flame canvas')?.getAttribute('data-frames-drawn')) > 0, undefined, { timeout: 120_000 });
  expect(await page.textContent('section.flame .detail')).toMatch(/from 50,?000 spans/);
  await page.screenshot({ path: path.join(SHOTS, 'big-trace-flame.png') });
});

test('a 10,000-deep chain: the deepest rows show their names and bars, with their depth where the indent stops', async () => {
  await page.goto(`${base}/trace/${deep.traceId}`);
  await page.waitForSelector('.row', { timeout: 120_000 });
  expect(await page.textContent('.stats')).toMatch(/Depth\s*10000/);
  await page.keyboard.press('End');
  await page.waitForSelector(`.row.selected[data-span-id="${deep.deepestSpanId}"]`);
  const row = await selectedRow();
  expect(row.name).toBe(`resolve level ${DEEP - 1}`);
  // "resolve level 9999" is about 130 px: all of it is in the name column, and the bar in the time column.
  expect(row.nameShown).toBeGreaterThan(130);
  expect(row.barInside).toBe(true);
  expect(await page.textContent('.row.selected .depth')).toBe(String(DEEP - 1));
  await page.screenshot({ path: path.join(SHOTS, 'big-trace-deep.png') });
});
