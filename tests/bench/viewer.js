'use strict';
/**
 * The viewer on big traces (5,000 and 50,000 spans by default), in Debian's Chromium. For
 * each size: the time to the first drawn waterfall rows; how smoothly the waterfall
 * scrolls top to bottom (frame times, long tasks); how long collapsing the root takes (a
 * click on its toggle, to the first painted frame after the rows are gone), expanding it
 * again, and a find (a term typed into the find box, to the first painted frame with the
 * matches marked); then the time to first paint of the same trace's statistics view
 * (?view=stats: its first table row) and flame graph (?view=flame: its canvas drawn),
 * opened directly by URL. In-run baselines: the time the same page takes just to fetch
 * and parse the trace's JSON, so the figures say what the viewer adds on top of the data;
 * and the same scroll of a blank page (baseline_empty_page), the frames this browser on this
 * machine gives when nothing is drawn.
 * Long tasks (over 50 ms on the main thread) are counted while the page loads and while
 * it scrolls: they are what a user feels as a freeze.
 *
 * Every time is taken in the page (performance.now, requestAnimationFrame, mutation
 * observers): Playwright's polling backs off to 500 ms while a page is busy, so timing
 * from outside read 150-300 ms late. BENCH_VIEWER_SPANS=5000,50000 (a comma list) and
 * BENCH_VIEWER_RUNS=5 change the run; the figures are medians over the runs, scroll frames
 * are pooled over them.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { startServer } = require('./server');
const { bigTrace, storeRequests } = require('./big-trace');

const SIZES = String(process.env.BENCH_VIEWER_SPANS ?? '5000,50000')
  .split(',')
  .map((s) => Number(s.trim()));
const RUNS = Number(process.env.BENCH_VIEWER_RUNS ?? 5);
if (SIZES.some((n) => !Number.isInteger(n) || n < 10) || !Number.isInteger(RUNS) || RUNS < 1) {
  throw new Error(`BENCH_VIEWER_SPANS must list span counts of at least 10 and BENCH_VIEWER_RUNS be at least 1, got "${process.env.BENCH_VIEWER_SPANS}" and "${process.env.BENCH_VIEWER_RUNS}"`);
}
/** A find term matching some spans of the big trace ("op 1", "op 10".."op 19"), among them the root's first child. */
const FIND = 'op 1';
const FIND_AGAIN = 'op 2';
/** What the issue (18, 17) asks of a big trace. */
const TARGETS = { scroll_p95_frame_ms: 17, scroll_long_task_ms: 50, interaction_ms: 100, view_vs_first_rows: 2 };

const log = (...args) => process.stderr.write(`[bench:viewer] ${args.join(' ')}\n`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const summarize = (tasks) => ({ count: tasks.length, total_ms: Math.round(tasks.reduce((a, t) => a + t.duration, 0)), max_ms: Math.round(Math.max(0, ...tasks.map((t) => t.duration))) });
const medianTasks = (summaries) => [...summaries].sort((a, b) => a.total_ms - b.total_ms)[Math.floor(summaries.length / 2)];

/**
 * Runs in the page before its own scripts: records long tasks, the moment an element
 * matching `selector` is in the DOM (or gets the attribute that says it is drawn), and
 * the frame that paints it.
 */
function instrument(selector) {
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

/** A fresh page at `url`, timed to its first paint of `selector` (ms after navigation: performance.now() counts from it). */
async function openTimed(browser, url, selector) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.addInitScript(instrument, selector);
  await page.goto(url);
  await page.waitForFunction(() => window.__paintedAt !== undefined, undefined, { timeout: 120_000, polling: 100 });
  const shown = await page.evaluate(() => window.__shownAt);
  const painted = await page.evaluate(() => window.__paintedAt);
  // Let the deferred work (the minimap, outliers) run, then take the load's long tasks.
  await page.waitForTimeout(300);
  const tasks = summarize(await page.evaluate(() => window.__longTasks.splice(0)));
  return { page, shown, painted, tasks };
}

/** Median time to first paint of a trace view, over RUNS fresh pages, with the load's long tasks. */
async function measureView(browser, url, selector) {
  const shown = [];
  const painted = [];
  const tasks = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await openTimed(browser, url, selector);
    shown.push(run.shown);
    painted.push(run.painted);
    tasks.push(run.tasks);
    await run.page.close();
  }
  return { shown_ms: Math.round(median(shown)), first_paint_ms: Math.round(median(painted)), long_tasks: medianTasks(tasks) };
}

/** In the page: scrolls `.viewport` from top to bottom in 60 steps, one per frame, timing each frame. */
function scrollSteps() {
  return (async () => {
    const viewport = document.querySelector('.viewport');
    const frameTimes = [];
    const height = viewport.scrollHeight;
    let last = performance.now();
    for (let step = 1; step <= 60; step++) {
      viewport.scrollTop = (height * step) / 60;
      await new Promise((resolve) => requestAnimationFrame(() => resolve()));
      const now = performance.now();
      frameTimes.push(now - last);
      last = now;
    }
    return frameTimes;
  })();
}

/** Scrolls the waterfall from top to bottom in 60 steps, one per frame, timing each frame; then back to the top. */
async function measureScroll(page) {
  await page.evaluate(() => (window.__longTasks.length = 0));
  const result = { frameTimes: await page.evaluate(scrollSteps), renderedRows: await page.evaluate(() => document.querySelectorAll('.row').length) };
  // Long tasks are reported after they end: give the last one a moment to arrive.
  await page.waitForTimeout(100);
  const longTasks = await page.evaluate(() => window.__longTasks.splice(0));
  await page.evaluate(async () => {
    document.querySelector('.viewport').scrollTop = 0;
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)));
  });
  return { ...result, longTasks };
}

/**
 * The renderer's main-thread CPU time (thread time, from a Chromium trace) per frame of the
 * same 60-step scroll, done once more under tracing. Frame times on a shared machine include
 * the time the thread waited for a core; this figure does not, so it says what the page costs
 * a frame whatever else runs. Tracing slows the page a little: its frames are not timed.
 */
async function scrollCpuPerFrame(browser, page) {
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'] });
  await page.evaluate(async () => {
    const viewport = document.querySelector('.viewport');
    const height = viewport.scrollHeight;
    performance.mark('bench-scroll-start');
    for (let step = 1; step <= 60; step++) {
      viewport.scrollTop = (height * step) / 60;
      await new Promise((resolve) => requestAnimationFrame(() => resolve()));
    }
    // The last frame's rendering runs after its animation frame callbacks.
    await new Promise((resolve) => setTimeout(resolve, 50));
    performance.mark('bench-scroll-end');
    viewport.scrollTop = 0;
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)));
  });
  const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
  const mark = (name) => events.find((e) => e.name === name);
  const [start, end] = [mark('bench-scroll-start'), mark('bench-scroll-end')];
  if (!start || !end) throw new Error('the scroll marks are not in the trace');
  // The thread that ran the marks' page: its tasks between them.
  const tasks = events.filter((e) => e.pid === start.pid && e.tid === start.tid && e.ph === 'X' && e.name === 'RunTask' && e.ts >= start.ts && e.ts <= end.ts);
  return tasks.reduce((sum, e) => sum + (e.tdur ?? 0), 0) / 1000 / 60;
}

/**
 * Collapses the root, expands it again, and finds two terms, each timed in the page from
 * the click or the input event to the first frame painted after the DOM shows the result:
 * requestAnimationFrame, then a message, which is handled after that frame's style, layout
 * and paint.
 */
async function measureInteractions(page) {
  return page.evaluate(
    async ({ find, findAgain }) => {
      const painted = () =>
        new Promise((resolve) =>
          requestAnimationFrame(() => {
            const channel = new MessageChannel();
            channel.port1.onmessage = () => resolve();
            channel.port2.postMessage(undefined);
          }),
        );
      const until = (done) =>
        new Promise((resolve, reject) => {
          if (done()) return resolve();
          const timer = setTimeout(() => {
            observer.disconnect();
            reject(new Error('the page did not show the result within 30 s'));
          }, 30_000);
          const observer = new MutationObserver(() => {
            if (!done()) return;
            observer.disconnect();
            clearTimeout(timer);
            resolve();
          });
          observer.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
        });
      const timed = async (act, done) => {
        const started = performance.now();
        act();
        await until(done);
        await painted();
        const ms = performance.now() - started;
        // Settle before the next step.
        await new Promise((resolve) => setTimeout(resolve, 200));
        return ms;
      };
      // The waterfall puts its overscan rows back once a scroll has been still for 150 ms: the row
      // count to come back to after expanding is the settled one.
      await new Promise((resolve) => setTimeout(resolve, 400));
      const root = document.querySelector('.row');
      const rootId = root.dataset.spanId;
      const rootRow = () => document.querySelector(`.row[data-span-id="${rootId}"]`);
      const rowCount = document.querySelectorAll('.row').length;
      const collapse = await timed(
        () => rootRow().querySelector('.toggle').click(),
        () => rootRow()?.getAttribute('aria-expanded') === 'false' && document.querySelectorAll('.row').length === 1,
      );
      const expand = await timed(
        () => rootRow().querySelector('.toggle').click(),
        () => rootRow()?.getAttribute('aria-expanded') === 'true' && document.querySelectorAll('.row').length === rowCount,
      );
      const input = document.querySelector('input[aria-label="Find in trace"]');
      const type = (text) => () => {
        input.value = text;
        input.dispatchEvent(new Event('input', { bubbles: true }));
      };
      const marked = (text) => () =>
        [...document.querySelectorAll('.row.match mark')].some((m) => m.textContent.toLowerCase() === text) && /match/.test(document.querySelector('.match-count')?.textContent ?? '');
      const findMs = await timed(type(find), marked(find));
      const findAgainMs = await timed(type(findAgain), marked(findAgain));
      return { collapse, expand, find: findMs, findAgain: findAgainMs };
    },
    { find: FIND, findAgain: FIND_AGAIN },
  );
}

/** One trace size: the waterfall over RUNS fresh pages (load, scroll, interactions, baseline), then statistics and flame graph. */
async function measureSize(browser, server, size) {
  log(`storing a ${size}-span trace`);
  const { traceId, requests } = bigTrace(size);
  await storeRequests(server.ports.otlpHttp, requests);
  const url = `http://127.0.0.1:${server.ports.ui}/trace/${traceId}`;
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    log(`${size} spans: waterfall, run ${i + 1} of ${RUNS}`);
    const { page, shown, painted, tasks } = await openTimed(browser, url, '.row');
    const scroll = await measureScroll(page);
    const scrollCpu = await scrollCpuPerFrame(browser, page);
    const interactions = await measureInteractions(page);
    // Last, so that its garbage (the whole trace's JSON once more) does not land in the scroll.
    const fetchOnly = await page.evaluate(async (id) => {
      const started = performance.now();
      const body = await (await fetch(`/api/v1/traces/${id}`)).json();
      if (body.spans.length === 0) throw new Error('no spans');
      return performance.now() - started;
    }, traceId);
    runs.push({ shown, painted, tasks, scroll, scrollCpu, interactions, fetchOnly });
    await page.close();
  }
  log(`${size} spans: statistics view`);
  const stats = await measureView(browser, `${url}?view=stats`, 'tr.stat-row');
  log(`${size} spans: flame graph`);
  const flame = await measureView(browser, `${url}?view=flame`, 'section.flame canvas:not([data-frames-drawn="0"])');

  const frames = runs.flatMap((r) => r.scroll.frameTimes);
  const scrollTasks = summarize(runs.flatMap((r) => r.scroll.longTasks));
  const of = (key) => Math.round(median(runs.map((r) => r.interactions[key])));
  const result = {
    spans: size,
    first_rows_ms: Math.round(median(runs.map((r) => r.shown))),
    first_rows_painted_ms: Math.round(median(runs.map((r) => r.painted))),
    baseline_fetch_and_parse_ms: Math.round(median(runs.map((r) => r.fetchOnly))),
    load_long_tasks: medianTasks(runs.map((r) => r.tasks)),
    rendered_rows: runs[0].scroll.renderedRows,
    scroll_frames: frames.length,
    scroll_p95_frame_ms: Math.round(percentile(frames, 0.95)),
    scroll_max_frame_ms: Math.round(Math.max(...frames)),
    scroll_long_tasks: scrollTasks,
    scroll_main_thread_cpu_per_frame_ms: Number(median(runs.map((r) => r.scrollCpu)).toFixed(1)),
    collapse_root_ms: of('collapse'),
    expand_root_ms: of('expand'),
    find_ms: of('find'),
    find_again_ms: of('findAgain'),
    stats_first_row_ms: stats.shown_ms,
    stats_first_paint_ms: stats.first_paint_ms,
    stats_load_long_tasks: stats.long_tasks,
    flame_drawn_ms: flame.shown_ms,
    flame_first_paint_ms: flame.first_paint_ms,
    flame_load_long_tasks: flame.long_tasks,
  };
  return { ...result, misses: misses(result) };
}

/** The targets a size's figures miss, named. */
function misses(r) {
  const out = [];
  if (r.scroll_p95_frame_ms > TARGETS.scroll_p95_frame_ms) out.push(`scroll p95 ${r.scroll_p95_frame_ms} ms > ${TARGETS.scroll_p95_frame_ms}`);
  if (r.scroll_long_tasks.max_ms > TARGETS.scroll_long_task_ms) out.push(`a scroll long task of ${r.scroll_long_tasks.max_ms} ms`);
  for (const key of ['collapse_root_ms', 'expand_root_ms', 'find_ms', 'find_again_ms']) if (r[key] >= TARGETS.interaction_ms) out.push(`${key} ${r[key]} >= ${TARGETS.interaction_ms}`);
  for (const key of ['stats_first_paint_ms', 'flame_first_paint_ms']) {
    if (r[key] > TARGETS.view_vs_first_rows * r.first_rows_painted_ms) out.push(`${key} ${r[key]} > ${TARGETS.view_vs_first_rows} x first rows`);
  }
  return out;
}

/**
 * The in-run baseline of the scroll figures: the same 60-step scroll, RUNS times, of a blank
 * viewport as tall as the 50,000-span waterfall, in the same browser and window. Nothing is
 * drawn and no script runs, so its frames are what this machine's headless, software-rendered
 * Chromium delivers at best: the floor under the waterfall's.
 */
async function emptyPageScroll(browser) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await page.setContent('<div class="viewport" style="height: 800px; overflow-y: auto"><div style="height: 1300000px"></div></div>');
    const frames = [];
    for (let run = 0; run < RUNS; run++) {
      frames.push(...(await page.evaluate(scrollSteps)));
      await page.evaluate(() => (document.querySelector('.viewport').scrollTop = 0));
      await page.waitForTimeout(200);
    }
    return { scroll_frames: frames.length, scroll_p95_frame_ms: Math.round(percentile(frames, 0.95)), scroll_max_frame_ms: Math.round(Math.max(...frames)) };
  } finally {
    await page.close();
  }
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hindsight-bench-viewer-'));
  const server = await startServer(dataDir, []);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    log('blank page: scroll (baseline)');
    const emptyPage = await emptyPageScroll(browser);
    const sizes = [];
    for (const size of SIZES) sizes.push(await measureSize(browser, server, size));
    for (const size of sizes) size.scroll_p95_over_empty_page_ms = size.scroll_p95_frame_ms - emptyPage.scroll_p95_frame_ms;
    console.log(JSON.stringify({ bench: 'viewer', runs: RUNS, targets: TARGETS, baseline_empty_page: emptyPage, sizes }));
  } finally {
    await browser.close();
    server.child.kill('SIGTERM');
    await server.exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
