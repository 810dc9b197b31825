/**
 * Clock skew end to end (issue 16): a trace whose server span in another service was timed
 * stamped 374 ms early against its client's clock, sent by the real OpenTelemetry exporter to a server child process.
 * It lasted 183 ms; stored, its spans cover 537 ms. The trace page, the search list and
 * `hindsight trace show` give 183 ms, and the span detail still shows the raw start.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { context, trace, SpanKind } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { TraceSearchResponse } from '../../viewer/api/types';
import { launchChromium } from '../support/browser';
import { startChildServer, stopChildServer, type ChildServer } from '../support/child';

const SHOTS = path.join(__dirname, 'screenshots');
const CLI = path.resolve(__dirname, '../../dist/cmd/main.js');
let dir: string;
let server: ChildServer;
let browser: Browser;
let page: Page;
let base: string;
let traceId: string;
let handleId: string;
const START = Date.now() - 60_000;

/** web GET /checkout [0..183 ms] → web POST /pay (client) [10..170] → payments charge (server), stamped 374 ms early. */
function skewedTrace(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const tracer = (s: string): ReturnType<BasicTracerProvider['getTracer']> =>
    new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': s }), spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('e2e');
  const root = tracer('web').startSpan('GET /checkout', { kind: SpanKind.SERVER, startTime: START });
  const call = tracer('web').startSpan('POST /pay', { kind: SpanKind.CLIENT, startTime: START + 10 }, trace.setSpan(context.active(), root));
  const handle = tracer('payments').startSpan('charge', { kind: SpanKind.SERVER, startTime: START + 20 - 374 }, trace.setSpan(context.active(), call));
  handle.end(START + 160 - 374);
  call.end(START + 170);
  root.end(START + 183);
  return memory.getFinishedSpans();
}

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-e2e-skew-'));
  server = await startChildServer(dir);
  base = `http://127.0.0.1:${server.ports.ui}`;
  const spans = skewedTrace();
  traceId = spans[0]!.spanContext().traceId;
  handleId = spans.find((s) => s.name === 'charge')!.spanContext().spanId;
  const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${server.ports.otlpHttp}/v1/traces` });
  await new Promise<void>((resolve, reject) => exporter.export(spans, (r) => (r.code === 0 ? resolve() : reject(r.error ?? new Error('export failed')))));
  await exporter.shutdown();
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

test('the trace page gives the adjusted duration, marks the shifted span, and its detail keeps the raw start', async () => {
  await page.goto(`${base}/trace/${traceId}`);
  await page.waitForSelector('.trace-duration');
  expect(await page.textContent('.trace-duration')).toBe('Duration 183ms');
  const row = page.locator(`.row[data-span-id="${handleId}"]`);
  expect(await row.locator('.flag.shifted').getAttribute('title')).toBe('Adjusted for clock skew: start and end shifted by +364ms to fit its parent.');
  await row.click();
  await page.waitForSelector('.detail .raw-start');
  expect(await page.textContent('.detail .warn.shift')).toBe('Adjusted for clock skew: start and end shifted by +364ms to fit its parent.');
  // Raw: 354 ms before the trace's start (its own clock); adjusted: 10 ms after it.
  expect(await page.textContent('.detail .raw-start')).toContain("as the span's own clock gave it");
  expect(await page.locator('.detail dd', { hasText: '+10ms into the trace' }).count()).toBe(1);
  await page.screenshot({ path: path.join(SHOTS, 'clock-skew.png') });
});

test('the search list, and its API, give the adjusted duration with the stored one beside it', async () => {
  const response = await fetch(`${base}/api/v1/traces?service=web&lookback=1h&sort=slowest`);
  const body = (await response.json()) as TraceSearchResponse;
  expect(body.traces.find((t) => t.traceId === traceId)).toMatchObject({ durationNs: '183000000', rawDurationNs: '537000000', startNs: String(BigInt(START) * 1_000_000n) });
  await page.goto(`${base}/search?service=web&lookback=1h`);
  await page.waitForSelector('a.result');
  expect(await page.textContent('a.result .duration')).toBe('183ms');
});

test('hindsight trace show gives the adjusted duration and the shift', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'trace', 'show', traceId, '--url', base], { env: { ...process.env, NO_COLOR: '1' } });
  expect(stdout.split('\n')[0]).toMatch(/ 183ms {2}3 spans/);
  expect(stdout).toContain('payments charge (clock skew: shifted +364ms)');
});
