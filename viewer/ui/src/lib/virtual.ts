/** Which rows of a fixed-row-height list to render for a scroll position. */
export interface RowWindow {
  start: number;
  end: number;
  /** Offset of the first rendered row, in pixels. */
  offset: number;
}

export function rowWindow(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan = 10): RowWindow {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan);
  return { start: first, end: Math.max(first, last), offset: first * rowHeight };
}

/**
 * The window to render at a scroll position, given the one rendered before. A jump (a
 * scrollbar drag, a key to the far end) that leaves none of the rows in view on screen gets
 * no overscan: its rows are all new, and the overscan rows, out of sight, cost as much to
 * build as those in view (a third of a jump's work). The next small scroll adds them back.
 */
export function nextRowWindow(previous: RowWindow | undefined, scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan = 10): RowWindow {
  const inView = rowWindow(scrollTop, viewportHeight, rowHeight, count, 0);
  const jumped = previous !== undefined && previous.end > previous.start && (inView.start >= previous.end || inView.end <= previous.start);
  return jumped ? inView : rowWindow(scrollTop, viewportHeight, rowHeight, count, overscan);
}

/**
 * nextRowWindow with the previous window kept: each call is given the window the last call
 * returned. Once the scroll has `settled` (stopped for a moment) the window gets its overscan
 * back whatever came before, ready for the next wheel step.
 */
export function windowFollower(overscan: number): (scrollTop: number, viewportHeight: number, rowHeight: number, count: number, settled: boolean) => RowWindow {
  let last: RowWindow | undefined;
  return (scrollTop, viewportHeight, rowHeight, count, settled) =>
    (last = settled ? rowWindow(scrollTop, viewportHeight, rowHeight, count, overscan) : nextRowWindow(last, scrollTop, viewportHeight, rowHeight, count, overscan));
}

/**
 * How a list recycles its row elements ("slots") when its window moves: `shown` are the slots
 * in order, showing rows `shownStart` on; the result holds the slots for rows `start` to `end`.
 * Rows in both windows keep their slots (a wheel step rewrites only the rows that came into
 * view); the other slots are reused for the rows that enter, then new ones made with `make`.
 * After a jump no row stays, and the slots are reused in the order they stand, so that none
 * moves in the document.
 */
export interface SlotPlan<T> {
  /** The slots of the new window, in row order. */
  order: T[];
  /** order[keptFrom, keptTo) stand in the document already, in this order; the rest are placed before and after them. */
  keptFrom: number;
  keptTo: number;
  /** Slots no longer used. */
  dropped: T[];
}

export function planSlots<T>(shown: readonly T[], shownStart: number, start: number, end: number, make: () => T): SlotPlan<T> {
  const count = Math.max(0, end - start);
  const lo = Math.max(start, shownStart);
  const hi = Math.min(end, shownStart + shown.length);
  if (lo >= hi) {
    const kept = shown.slice(0, count);
    const order = [...kept];
    while (order.length < count) order.push(make());
    return { order, keptFrom: 0, keptTo: kept.length, dropped: shown.slice(count) };
  }
  const kept = shown.slice(lo - shownStart, hi - shownStart);
  const free = [...shown.slice(0, lo - shownStart), ...shown.slice(hi - shownStart)];
  const take = (): T => free.pop() ?? make();
  const before = Array.from({ length: lo - start }, take);
  const after = Array.from({ length: end - hi }, take);
  return { order: [...before, ...kept, ...after], keptFrom: before.length, keptTo: before.length + kept.length, dropped: free };
}

/** The scrollTop that brings row `index` into view, or undefined when it already is. */
export function scrollToRow(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number | undefined {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
  return undefined;
}
