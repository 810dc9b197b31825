/**
 * The README's first command on a fresh data directory (issue 18, "two commands on a fresh
 * machine"), as a user runs it: `npm start` (its build step skipped with --ignore-scripts: the
 * test run has built dist/ already). Debian's Chromium opens the viewer, which shows the exporter
 * settings for the ports this server is bound to; two applications started with exactly those
 * settings in their environment (the OTel SDK's exporters read them; no URL in code) send spans
 * over OTLP/HTTP and OTLP/gRPC; the open page fills in by itself with the first; Ctrl-C stops the
 * server cleanly. The second command's first step (system packages) is tests/unit/setup/.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';

const ROOT = path.resolve(__dirname, '../..');
const SHOTS = path.join(__dirname, 'screenshots');
const exec = promisify(execFile);

interface Ports {
  otlpHttp: number;
  otlpGrpc: number;
  ui: number;
}

let dataDir: string;
let npm: ChildProcess;
let exited: Promise<number | null>;
const logs: string[] = [];
let ports: Ports;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

/** `npm start` in its own process group, so that Ctrl-C can be sent to it as a terminal sends it: to npm, its shell and the server. */
function npmStart(args: string[]): Promise<Ports> {
  npm = spawn('npm', ['start', '--silent', '--ignore-scripts', '--', ...args], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  exited = new Promise((resolve) => npm.once('exit', (code) => resolve(code)));
  npm.stderr!.on('data', (b: Buffer) => logs.push(b.toString()));
  return new Promise((resolve, reject) => {
    readline.createInterface({ input: npm.stdout! }).on('line', (line) => {
      logs.push(line);
      const entry = (() => {
        try {
          return JSON.parse(line) as { msg?: string; ports?: Ports };
        } catch {
          return {};
        }
      })();
      if (entry.msg === 'hindsight started' && entry.ports) resolve(entry.ports);
    });
    void exited.then((code) => reject(new Error(`npm start exited with ${code}:\n${logs.join('\n')}`)));
  });
}

/** An application that names no endpoint: its exporter takes it from the environment it is given. */
const APP = `
  const { BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
  const { resourceFromAttributes } = require('@opentelemetry/resources');
  const { OTLPTraceExporter } = require(process.env.OTEL_EXPORTER_OTLP_PROTOCOL === 'grpc' ? '@opentelemetry/exporter-trace-otlp-grpc' : '@opentelemetry/exporter-trace-otlp-proto');
  let failed;
  const exporter = new OTLPTraceExporter();
  const send = exporter.export.bind(exporter);
  exporter.export = (spans, done) => send(spans, (r) => { if (r.code !== 0) failed = r.error ?? new Error('export failed'); done(r); });
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.getTracer('app').startSpan('GET /hello').end();
  provider.shutdown().then(() => { if (failed) { console.error(failed); process.exit(1); } });`;

/** `KEY=value` lines, as the page shows them to be copied. */
function environment(snippet: string): Record<string, string> {
  return Object.fromEntries(snippet.split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-fresh-'));
  // Free ports, not the defaults: other test files run servers at the same time.
  ports = await npmStart(['--data-dir', dataDir, '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--ui-port', '0', '--clickhouse-http-port', '0']);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
});

afterEach(() => {
  expect(pageErrors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  if (npm?.exitCode === null && npm.signalCode === null) {
    process.kill(-npm.pid!, 'SIGKILL');
    await exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('npm start serves the viewer; with nothing stored it shows the exporter settings for the ports it is bound to', async () => {
  await page.goto(`http://127.0.0.1:${ports.ui}/`);
  await page.waitForSelector('section.empty pre');
  const snippets = await page.locator('section.empty pre').allTextContents();
  expect(snippets).toContain(`OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:${ports.otlpHttp}\nOTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf`);
  expect(snippets).toContain(`OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:${ports.otlpGrpc}\nOTEL_EXPORTER_OTLP_PROTOCOL=grpc`);
});

test('applications given those settings send over OTLP/HTTP and OTLP/gRPC; the open page shows the first trace without a reload', async () => {
  await page.waitForSelector('section.empty pre');
  // Marks this document: a reload or a navigation would lose it.
  await page.evaluate(() => ((window as unknown as { unreloaded: boolean }).unreloaded = true));
  const snippet = async (title: string): Promise<Record<string, string>> => environment((await page.textContent(`.snippet:has(h3:text-is("${title}")) pre`))!);
  const [http, grpc] = [await snippet('OTLP/HTTP (protobuf)'), await snippet('OTLP/gRPC')];
  const app = (settings: Record<string, string>, service: string): Promise<unknown> =>
    exec(process.execPath, ['-e', APP], { cwd: ROOT, timeout: 60_000, env: { PATH: process.env['PATH'] ?? '', ...settings, OTEL_SERVICE_NAME: service } });

  await app(http, 'app-over-http');
  await page.waitForSelector('a.result');
  expect(await page.locator('a.result .root').allTextContents()).toEqual(['app-over-http: GET /hello']);
  expect(await page.evaluate(() => (window as unknown as { unreloaded?: boolean }).unreloaded)).toBe(true);

  await app(grpc, 'app-over-grpc');
  await page.click('button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('a.result').length === 2);
  expect((await page.locator('a.result .root').allTextContents()).sort()).toEqual(['app-over-grpc: GET /hello', 'app-over-http: GET /hello']);
  await page.screenshot({ path: path.join(SHOTS, 'fresh-machine-first-traces.png') });
});

test('Ctrl-C stops it cleanly: npm, its shell and the server exit, and the port closes', async () => {
  process.kill(-npm.pid!, 'SIGINT');
  await exited;
  expect(logs.join('\n')).toContain('"msg":"hindsight stopped"');
  await expect(fetch(`http://127.0.0.1:${ports.ui}/healthz`)).rejects.toThrow();
});
