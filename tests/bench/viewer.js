'use strict';
/**
 * The viewer's time to first drawn waterfall rows for a 50,000-span trace, in
 * Debian's Chromium, and how smoothly it scrolls; then the time to first paint of the
 * same trace's statistics view (?view=stats: its first table row, painted) and flame
 * graph (?view=flame: its canvas drawn, painted), opened directly by URL. In-run baseline: the time the
 * same page takes just to fetch and parse the trace's JSON, so the figure says what
 * the viewer adds on top of the data. Long tasks (over 50 ms on the main thread) are
 * counted while the page loads and while it scrolls: they are what a user feels as
 * a freeze.
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

/**
 * Runs in the page before its own scripts: records long tasks, the moment the first
 * waterfall row enters the DOM, and the frame that paints it. Timing from outside
 * (waitForSelector, then performance.now()) read 150-300 ms late: Playwright's
 * polling backs off to 500 ms intervals while a page loads.
 */
function instrument() {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const observer = new MutationObserver(() => {
    if (document.querySelector('.row')) {
      window.__firstRowAt = performance.now();
      observer.disconnect();
      requestAnimationFrame(() => (window.__firstRowPaintedAt = performance.now()));
    }
  });
  observer.observe(document, { childList: true, subtree: true });
}

/**
 * The same clock for another view: the moment an element matching `selector` is in the
 * DOM (or gets the attribute that says it is drawn), and the frame after it.
 */
function instrumentView(selector) {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const observer = new MutationObserver(() => {
    if (document.querySelector(selector)) {
      window.__shownAt = performance.now();
      observer.disconnect();
      requestAnimationFrame(() => (window.__paintedAt = performance.now()));
    }
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
}

/** Median time to first paint of a trace view, over RUNS fresh pages, with the load's long tasks. */
async function measureView(browser, url, selector) {
  const shown = [];
  const painted = [];
  const tasks = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.addInitScript(instrumentView, selector);
    await page.goto(url);
    await page.waitForFunction(() => window.__paintedAt !== undefined, undefined, { timeout: 120_000 });
    shown.push(await page.evaluate(() => window.__shownAt));
    painted.push(await page.evaluate(() => window.__paintedAt));
    await page.waitForTimeout(300);
    tasks.push(summarize(await page.evaluate(() => window.__longTasks.splice(0))));
    await page.close();
  }
  return { shown_ms: Math.round(median(shown)), first_paint_ms: Math.round(median(painted)), long_tasks: [...tasks].sort((a, b) => a.total_ms - b.total_ms)[Math.floor(tasks.length / 2)] };
}

const summarize = (tasks) => ({ count: tasks.length, total_ms: Math.round(tasks.reduce((a, t) => a + t.duration, 0)), max_ms: Math.round(Math.max(0, ...tasks.map((t) => t.duration))) });

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
    const firstRowsPainted = [];
    const loadTasks = [];
    const fetchOnly = [];
    let scroll;
    for (let i = 0; i < RUNS; i++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.addInitScript(instrument);
      await page.goto(url);
      await page.waitForSelector('.row', { timeout: 120_000 });
      // performance.now() counts from this navigation's start.
      await page.waitForFunction(() => window.__firstRowPaintedAt !== undefined);
      firstRows.push(await page.evaluate(() => window.__firstRowAt));
      firstRowsPainted.push(await page.evaluate(() => window.__firstRowPaintedAt));
      // Let the deferred work (the minimap) run, then take the load's long tasks.
      await page.waitForTimeout(300);
      loadTasks.push(summarize(await page.evaluate(() => window.__longTasks.splice(0))));
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
    log('statistics view');
    const stats = await measureView(browser, `${url}?view=stats`, 'tr.stat-row');
    log('flame graph');
    const flame = await measureView(browser, `${url}?view=flame`, 'section.flame canvas:not([data-frames-drawn="0"])');
    console.log(
      JSON.stringify({
        bench: 'viewer',
        spans: SIZE,
        runs: RUNS,
        first_rows_ms: Math.round(median(firstRows)),
        first_rows_painted_ms: Math.round(median(firstRowsPainted)),
        baseline_fetch_and_parse_ms: Math.round(median(fetchOnly)),
        rendered_rows: scroll.renderedRows,
        scroll_frames: scroll.frames,
        scroll_max_frame_ms: scroll.maxFrame,
        scroll_p95_frame_ms: scroll.p95Frame,
        load_long_tasks: [...loadTasks].sort((a, b) => a.total_ms - b.total_ms)[Math.floor(loadTasks.length / 2)],
        scroll_long_tasks: scroll.longTasks,
        stats_first_row_ms: stats.shown_ms,
        stats_first_paint_ms: stats.first_paint_ms,
        stats_load_long_tasks: stats.long_tasks,
        flame_drawn_ms: flame.shown_ms,
        flame_first_paint_ms: flame.first_paint_ms,
        flame_load_long_tasks: flame.long_tasks,
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
  const result = await page.evaluate(async () => {
    window.__longTasks.length = 0;
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
  // Long tasks are reported after they end: give the last one a moment to arrive.
  await page.waitForTimeout(100);
  return { ...result, longTasks: summarize(await page.evaluate(() => window.__longTasks.splice(0))) };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
