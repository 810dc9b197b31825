'use strict';
/**
 * The README's screenshot tour, taken from a real `hindsight serve` (the built CLI, on a
 * temporary data directory) in Debian's Chromium at 1440×900:
 *   npm run screenshots          (builds first; writes docs/screenshots/*.png)
 *
 * The onboarding page is taken first, while nothing is stored. Then the simulated shop of the
 * anomaly tests (tests/support/shop.ts: eight services, HTTP, Postgres, Stripe and Kafka spans over
 * two hours, seeded, with a few declined cards as errors) goes in through the OpenTelemetry SDK's
 * OTLP/HTTP exporter, and each page is taken once it shows its data. The OTLP ports are
 * Hindsight's defaults when they are free, so the onboarding picture shows the settings a new
 * user will see; otherwise any free port.
 */
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'docs/screenshots');
const VIEWPORT = { width: 1440, height: 900 };
/** Calls between the shop's services, databases, Stripe and Kafka: what its map draws. */
const SHOP_EDGES = 11;

async function waitFor(check, what, timeoutMs = 120_000) {
  for (const until = Date.now() + timeoutMs; Date.now() < until; await new Promise((r) => setTimeout(r, 500))) if (await check()) return;
  throw new Error(`gave up waiting for ${what}`);
}

/**
 * The shop is a TypeScript test fixture; compiled here by SWC (what jest runs tests with), so the
 * tour shows the same traffic the tests check rather than a copy of it in JavaScript.
 */
function requireTypeScript(file) {
  const swc = require('@swc/core');
  // Deprecated, but still CommonJS's one synchronous hook for a file extension (Node 20 strips no types).
  require.extensions['.ts'] ??= (module, filename) => {
    const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
      filename,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    module._compile(code, filename);
  };
  return require(file);
}

/** `port` if nothing listens on it, else 0 (the server picks one). */
function freeOrAny(port) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(0));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(port)));
  });
}

async function sendShop(otlpHttpPort) {
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
  const { makeShop } = requireTypeScript(path.join(ROOT, 'tests/support/shop.ts'));
  // Seed 14 has a declined card among the newest checkouts, so the search picture shows one.
  const shop = makeShop(14, Math.floor(Date.now() / 60_000) * 60_000 - 60_000, { declines: 0.03 });
  const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${otlpHttpPort}/v1/traces`, timeoutMillis: 60_000 });
  for (let i = 0; i < shop.spans.length; i += 4000) {
    await new Promise((resolve, reject) => exporter.export(shop.spans.slice(i, i + 4000), (r) => (r.code === 0 ? resolve() : reject(r.error ?? new Error('export failed')))));
  }
  await exporter.shutdown();
  return shop;
}

async function main() {
  const { startServer } = require(path.join(ROOT, 'tests/bench/server'));
  const { chromium } = require('playwright-core');
  fs.mkdirSync(OUT, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-tour-'));
  const [http, grpc] = [await freeOrAny(4318), await freeOrAny(4317)];
  const server = await startServer(dataDir, [
    '--otlp-http-port',
    String(http),
    '--otlp-grpc-port',
    String(grpc),
    '--clickhouse-http-port',
    '0',
    '--dependency-interval-ms',
    '1000',
    '--dependency-late-settle-seconds',
    '2',
  ]);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport: VIEWPORT, colorScheme: 'light' });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    const base = `http://127.0.0.1:${server.ports.ui}`;
    const shot = async (name, height = VIEWPORT.height) => {
      // Fonts and the last layout pass (Cytoscape, uPlot) before the picture.
      await page.evaluate(() => document.fonts.ready);
      await page.waitForTimeout(400);
      const file = path.join(OUT, `${name}.png`);
      // Pages shorter than the window are cut below their content: smaller files, no blank band.
      await page.screenshot({ path: file, clip: { x: 0, y: 0, width: VIEWPORT.width, height } });
      console.log(`${path.relative(ROOT, file)}  ${Math.round(fs.statSync(file).size / 1024)} KB`);
    };

    await page.goto(`${base}/`);
    await page.waitForSelector('section.empty pre');
    await shot('onboarding', 580);

    const shop = await sendShop(server.ports.otlpHttp);

    await page.goto(`${base}/search?service=frontend&operation=${encodeURIComponent('POST /checkout')}`);
    await page.waitForSelector('section.results[aria-busy="false"] a.result');
    await shot('search');

    await page.goto(`${base}/trace/${shop.declinedCheckouts[shop.declinedCheckouts.length - 1]}`);
    await page.waitForSelector('.row');
    await page.click('.row:has-text("stripe.charge")');
    await page.waitForSelector('aside.detail');
    await shot('trace');

    // Two hours of spans arrive at once, older than the edge job's start: it folds them in as late
    // arrivals, a few seconds after they settle.
    await waitFor(async () => (await (await fetch(`${base}/api/v1/dependencies`)).json()).edges.length === SHOP_EDGES, 'the edges of the shop on the map');
    await page.goto(`${base}/dependencies`);
    await page.waitForFunction((edges) => Number(document.querySelector('.graph')?.getAttribute('data-edges')) === edges, SHOP_EDGES);
    await shot('dependencies');

    await page.goto(`${base}/service/checkout`);
    await page.waitForSelector('.chart .u-over');
    await page.waitForSelector('.histogram .bar');
    await shot('service', 620);

    await page.goto(`${base}/sql`);
    await page.waitForSelector('.cm-content');
    await page.click('text=p50 / p99 latency by service');
    await page.waitForFunction(() => document.querySelector('.cm-content')?.textContent?.includes('p99_ms'));
    await page.locator('.cm-content').press('Control+Enter');
    await page.waitForSelector('[role=table] .row');
    await page.waitForSelector('svg.chart');
    await shot('sql');

    if (errors.length > 0) throw new Error(`the pages threw: ${errors.map((e) => e.message).join('; ')}`);
  } finally {
    await browser.close();
    server.child.kill('SIGTERM');
    await server.exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
