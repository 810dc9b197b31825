'use strict';
/**
 * The viewer's time to first drawn waterfall rows for a 50,000-span trace, in
 * Debian's Chromium, and how smoothly it scrolls. In-run baseline: the time the
 * same page takes just to fetch and parse the trace's JSON, so the figure says what
 * the viewer adds on top of the data.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { startServer } = require('./server');
const { bigTrace, storeRequests } = require('./big-trace');

const SIZE = Number(process.env.BENCH_VIEWER_SPANS ?? 50_000);
const RUNS = Number(process.env.BENCH_VIEWER_RUNS ?? 5);
const log = (...args) => process.stderr.write(`[bench:viewer] ${args.join(' ')}\n`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-bench-viewer-'));
  const server = await startServer(dataDir, []);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    log(`storing a ${SIZE}-span trace`);
    const { traceId, requests } = bigTrace(SIZE);
    await storeRequests(server.ports.otlpHttp, requests);
    const url = `http://127.0.0.1:${server.ports.ui}/trace/${traceId}`;
    const firstRows = [];
    const fetchOnly = [];
    let scroll;
    for (let i = 0; i < RUNS; i++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(url);
      await page.waitForSelector('.row', { timeout: 120_000 });
      // performance.now() counts from this navigation's start.
      firstRows.push(await page.evaluate(() => performance.now()));
      fetchOnly.push(
        await page.evaluate(async (id) => {
          const started = performance.now();
          const body = await (await fetch(`/api/v1/traces/${id}`)).json();
          if (body.spans.length === 0) throw new Error('no spans');
          return performance.now() - started;
        }, traceId),
      );
      if (i === 0) scroll = await measureScroll(page);
      await page.close();
    }
    console.log(
      JSON.stringify({
        bench: 'viewer',
        spans: SIZE,
        runs: RUNS,
        first_rows_ms: Math.round(median(firstRows)),
        baseline_fetch_and_parse_ms: Math.round(median(fetchOnly)),
        rendered_rows: scroll.renderedRows,
        scroll_frames: scroll.frames,
        scroll_max_frame_ms: scroll.maxFrame,
        scroll_p95_frame_ms: scroll.p95Frame,
      }),
    );
  } finally {
    await browser.close();
    server.child.kill('SIGTERM');
    await server.exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Scrolls the waterfall from top to bottom in 60 steps, one per frame, timing each frame. */
async function measureScroll(page) {
  return page.evaluate(async () => {
    const viewport = document.querySelector('.viewport');
    const frameTimes = [];
    let last = performance.now();
    for (let step = 1; step <= 60; step++) {
      viewport.scrollTop = (viewport.scrollHeight * step) / 60;
      await new Promise((resolve) => requestAnimationFrame(() => resolve()));
      const now = performance.now();
      frameTimes.push(now - last);
      last = now;
    }
    frameTimes.sort((a, b) => a - b);
    return {
      renderedRows: document.querySelectorAll('.row').length,
      frames: frameTimes.length,
      maxFrame: Math.round(frameTimes[frameTimes.length - 1]),
      p95Frame: Math.round(frameTimes[Math.floor(frameTimes.length * 0.95)]),
    };
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
