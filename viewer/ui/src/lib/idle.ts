/**
 * Work done in the browser's idle time, a slice at a time, so that it never holds up a frame:
 * the find index of a big trace is built this way once the trace is drawn.
 */

/** Runs `callback` when the page is idle, with a way to ask how long it may work; returns a cancel. */
export type IdleScheduler = (callback: (timeLeftMs: () => number) => void) => () => void;

/**
 * The most an idle period is used, ms. An idle callback may be offered 50 ms when nothing
 * else is waiting, and the work then ran as one 50 ms task: a scroll that began meanwhile
 * waited for it (seen right after a 50,000-span trace loaded, its find index being built).
 */
export const IDLE_SLICE_MS = 5;

/** The part of the browser's idle API used here. */
interface IdleApi {
  requestIdleCallback(callback: (deadline: { timeRemaining(): number }) => void): number;
  cancelIdleCallback(handle: number): void;
}

// Through globalThis: the unit tests import this module in Node, where there is no idle API.
const idleApi = (globalThis as Partial<IdleApi>).requestIdleCallback ? (globalThis as unknown as IdleApi) : undefined;

/**
 * requestIdleCallback where there is one; elsewhere (Safari) a timer, late enough to come
 * after the page's first paint. Either way at most IDLE_SLICE_MS of work at a time.
 */
export const browserIdle: IdleScheduler = (callback) => {
  if (idleApi) {
    const handle = idleApi.requestIdleCallback((deadline) => {
      const until = performance.now() + IDLE_SLICE_MS;
      callback(() => Math.min(deadline.timeRemaining(), until - performance.now()));
    });
    return () => idleApi.cancelIdleCallback(handle);
  }
  const timer = setTimeout(() => {
    const until = performance.now() + IDLE_SLICE_MS;
    callback(() => until - performance.now());
  }, 50);
  return () => clearTimeout(timer);
};

/**
 * Calls `work` in idle periods until it says it is done. `work` gets `more()`, true while the
 * period has time left (1 ms kept back for the browser); it should do a little at a time and
 * ask again. Returns a cancel, for when the work is no longer wanted.
 */
export function runWhenIdle(work: (more: () => boolean) => boolean, schedule: IdleScheduler = browserIdle): () => void {
  let cancel = (): void => undefined;
  let cancelled = false;
  const step = (timeLeftMs: () => number): void => {
    if (cancelled || work(() => timeLeftMs() > 1)) return;
    cancel = schedule(step);
  };
  cancel = schedule(step);
  return () => {
    cancelled = true;
    cancel();
  };
}
