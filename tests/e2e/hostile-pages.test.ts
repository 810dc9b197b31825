/**
 * Hostile strings in every field telemetry can carry (service, operation, attribute
 * keys and values, events, status message, resource), visited on every page of the
 * viewer in Chromium: none may run as script, each is shown as text.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { context, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { launchChromium } from '../support/browser';
import { startChildServer, stopChildServer, type ChildServer } from '../support/child';

const SHOTS = path.join(__dirname, 'screenshots');
const PAYLOADS = [
  '<img src=x onerror="window.__xss=1">',
  '<script>window.__xss=1</script>',
  '"><svg onload="window.__xss=1">',
  'javascript:window.__xss=1',
  '{{constructor.constructor("window.__xss=1")()}}',
];
const SERVICE = `svc ${PAYLOADS[0]}`;
const PEER = `peer ${PAYLOADS[2]}`;

let dataDir: string;
let server: ChildServer;
let browser: Browser;
let page: Page;
let base: string;
let traceId: string;
const dialogs: string[] = [];

function hostileTrace(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const tracer = (service: string): ReturnType<BasicTracerProvider['getTracer']> =>
    new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service, [PAYLOADS[1]!]: PAYLOADS[3]! }), spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer(PAYLOADS[4]!);
  const start = Date.now() - 30_000;
  const attributes = Object.fromEntries(PAYLOADS.map((p, i) => [`key${i} ${p}`, p]));
  const root = tracer(SERVICE).startSpan(`GET ${PAYLOADS[1]}`, { kind: SpanKind.SERVER, startTime: start, attributes });
  root.addEvent(PAYLOADS[2]!, { [PAYLOADS[0]!]: PAYLOADS[4]! }, start + 1);
  root.recordException(new Error(PAYLOADS[1]));
  const call = tracer(SERVICE).startSpan(`call ${PAYLOADS[3]}`, { kind: SpanKind.CLIENT, startTime: start + 2, attributes: { 'peer.service': PEER } }, trace.setSpan(context.active(), root));
  const served = tracer(PEER).startSpan(PAYLOADS[0]!, { kind: SpanKind.SERVER, startTime: start + 3 }, trace.setSpan(context.active(), call));
  served.setStatus({ code: SpanStatusCode.ERROR, message: PAYLOADS[2] });
  served.end(start + 40);
  call.end(start + 45);
  root.setStatus({ code: SpanStatusCode.ERROR, message: PAYLOADS[0] });
  root.end(start + 50);
  return memory.getFinishedSpans();
}

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-hostile-'));
  server = await startChildServer(dataDir, ['--dependency-interval-ms', '500']);
  base = `http://127.0.0.1:${server.ports.ui}`;
  const spans = hostileTrace();
  traceId = spans[0]!.spanContext().traceId;
  const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${server.ports.otlpHttp}/v1/traces` });
  await new Promise<void>((resolve, reject) => exporter.export(spans, (r) => (r.code === 0 ? resolve() : reject(r.error))));
  await exporter.shutdown();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
});

afterAll(async () => {
  await browser?.close();
  await stopChildServer(server, dataDir);
});

async function expectNoScriptRan(): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(dialogs).toEqual([]);
}

test.each([
  ['search', () => `/search?service=${encodeURIComponent(SERVICE)}`, 'section.results[aria-busy="false"]'],
  ['trace', () => `/trace/${traceId}`, '.row'],
  ['service', () => `/service/${encodeURIComponent(SERVICE)}`, 'h2'],
  ['dependencies', () => '/dependencies', 'body'],
  ['anomalies', () => '/anomalies', 'h2'],
  ['explain', () => `/explain?service=${encodeURIComponent(SERVICE)}`, '[data-testid=explain-counts]'],
])('the %s page shows hostile strings as text', async (name, route, ready) => {
  await page.goto(`${base}${route()}`);
  await page.waitForSelector(ready);
  await page.waitForLoadState('networkidle');
  await expectNoScriptRan();
  await page.screenshot({ path: path.join(SHOTS, `hostile-${name}.png`) });
});

test('every field of a span, opened in the detail pane, is text', async () => {
  await page.goto(`${base}/trace/${traceId}`);
  await page.waitForSelector('.row');
  const rows = page.locator('.row');
  for (let i = 0; i < (await rows.count()); i++) {
    await rows.nth(i).click();
    await page.waitForSelector('aside.detail');
    await expectNoScriptRan();
  }
  await rows.nth(0).click();
  const detail = (await page.textContent('aside.detail')) ?? '';
  for (const payload of PAYLOADS) expect(detail).toContain(payload);
  await page.screenshot({ path: path.join(SHOTS, 'hostile-detail.png') });
});

test('the SQL console shows hostile results as text', async () => {
  // The query comes in the URL, as a shared link brings it.
  await page.goto(`${base}/sql?q=${encodeURIComponent('SELECT ServiceName, SpanName, StatusMessage FROM otel_traces')}`);
  await page.waitForSelector('.cm-content');
  await page.click('button.primary:has-text("Run")');
  await page.waitForFunction((text) => document.body.textContent?.includes(text), PAYLOADS[1]!);
  await expectNoScriptRan();
  await page.screenshot({ path: path.join(SHOTS, 'hostile-sql.png') });
});
