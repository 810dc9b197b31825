import { browserIdle, IDLE_SLICE_MS, runWhenIdle, type IdleScheduler } from '../../../../viewer/ui/src/lib/idle';

/** Idle periods run by hand, each with the time it offers. */
function idlePeriods(): { schedule: IdleScheduler; pending: () => number; run: (ms: number) => void } {
  const queue: ((timeLeftMs: () => number) => void)[] = [];
  return {
    schedule: (callback) => {
      queue.push(callback);
      return () => {
        const at = queue.indexOf(callback);
        if (at >= 0) queue.splice(at, 1);
      };
    },
    pending: () => queue.length,
    run: (ms) => {
      let left = ms;
      // Each ask of the time spends a millisecond, as if a slice of work took that long.
      queue.shift()?.(() => left--);
    },
  };
}

test('work runs in idle periods, a slice per ask while more than a millisecond is left, until it says it is done', () => {
  const idle = idlePeriods();
  let slices = 0;
  runWhenIdle((more) => {
    while (slices < 10 && more()) slices++;
    return slices === 10;
  }, idle.schedule);
  expect(slices).toBe(0);
  expect(idle.pending()).toBe(1);
  idle.run(4);
  // 4, 3 and 2 ms left are more than one: three slices, then the period is over.
  expect(slices).toBe(3);
  expect(idle.pending()).toBe(1);
  idle.run(100);
  expect(slices).toBe(10);
  expect(idle.pending()).toBe(0);
});

test('a cancel stops the work before its next period', () => {
  const idle = idlePeriods();
  let calls = 0;
  const cancel = runWhenIdle(() => {
    calls++;
    return false;
  }, idle.schedule);
  idle.run(5);
  expect(calls).toBe(1);
  cancel();
  expect(idle.pending()).toBe(0);
  idle.run(5);
  expect(calls).toBe(1);
});

test('without requestIdleCallback (Node here, Safari in the field) a timer offers at most a slice of time', async () => {
  expect(typeof (globalThis as { requestIdleCallback?: unknown }).requestIdleCallback).toBe('undefined');
  const offered = await new Promise<number>((resolve) => browserIdle((timeLeftMs) => resolve(timeLeftMs())));
  expect(offered).toBeGreaterThan(0);
  expect(offered).toBeLessThanOrEqual(IDLE_SLICE_MS);
  let ran = false;
  browserIdle(() => (ran = true))();
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(ran).toBe(false);
});
