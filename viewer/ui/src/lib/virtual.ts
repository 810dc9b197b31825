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
 * The most rows a window of `rowWindow` with these arguments can hold, at any scroll
 * position: the number of slots a list recycles its row elements through.
 */
export function windowSlots(viewportHeight: number, rowHeight: number, overscan = 10): number {
  return Math.max(1, Math.ceil(viewportHeight / rowHeight) + 1 + 2 * overscan);
}

/**
 * The key of the row at `index` when rows are recycled through `slots` elements. Rows in a
 * window are consecutive and never more than the slots, so the keys in a window are distinct;
 * a row that leaves at one end hands its key, and its element, to the row that enters at the
 * other. A jump (a scrollbar drag) then updates the elements in place instead of destroying
 * and building every row, and a small scroll still leaves the rows that stay untouched.
 */
export function slotKey(index: number, slots: number): number {
  return index % slots;
}

/** The scrollTop that brings row `index` into view, or undefined when it already is. */
export function scrollToRow(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number | undefined {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
  return undefined;
}
