/**
 * The waterfall's time scale: which part of the trace is in view (the minimap's
 * window), where a time falls across the bar column, and where a bar's duration
 * label fits.
 */

export interface TimeScale {
  /** Start of the view, nanoseconds from the trace start. */
  start: number;
  /** Length of the view in nanoseconds, never 0 (a zero-length trace still draws). */
  length: number;
}

/** The view for a window given as fractions of the trace, or all of it. */
export function timeScale(durationNs: number, window: readonly [number, number] | undefined): TimeScale {
  const [from, to] = window ?? [0, 1];
  return { start: from * durationNs, length: Math.max(1, (to - from) * durationNs) };
}

/** A time as a percentage across the bar column; outside 0..100 when out of view. */
export function toPercent(scale: TimeScale, ns: number): number {
  return ((ns - scale.start) / scale.length) * 100;
}

/** Axis ticks at fixed fractions of the view, as nanoseconds from the trace start. */
export function ticks(scale: TimeScale, count = 4): { fraction: number; ns: number }[] {
  return Array.from({ length: count + 1 }, (_, i) => ({ fraction: i / count, ns: scale.start + (i / count) * scale.length }));
}

export type LabelPlacement =
  /** Just after the bar's end, in the page's text colour. */
  | { side: 'after'; at: number }
  /** Inside the end of the bar: the bar is wide enough and there is no room after it. */
  | { side: 'inside'; at: number }
  /** Just before the bar's start: a short bar near the right edge. */
  | { side: 'before'; at: number };

/**
 * Where a bar's duration label goes, in percent of the bar column. A label needs
 * about `labelPct` of the column; putting it inside a bar too short to hold it
 * drew it over the background in the bar's text colour, where it could not be read.
 */
export function labelPlacement(startPct: number, endPct: number, labelPct = 10): LabelPlacement {
  const start = clamp(startPct);
  const end = clamp(endPct);
  if (end + labelPct <= 100) return { side: 'after', at: end };
  if (end - start >= labelPct) return { side: 'inside', at: end };
  if (start >= labelPct) return { side: 'before', at: start };
  return { side: 'inside', at: end };
}

const clamp = (pct: number): number => Math.min(100, Math.max(0, pct));

/** Pixels of indent per level of the span tree. */
export const INDENT_PX = 14;
/** What a row keeps of its name column however deep it is: the toggle, the swatch, the depth and some name. */
const KEPT_FOR_NAME_PX = 260;

/**
 * A row's indent in a name column `namesPx` wide. Past the depth the column has room for, the
 * indent stops growing and the row says its depth instead (`capped`): an indent of depth × 14 px
 * took a 60-deep row's whole column, and the rows of a 10,000-deep chain were blank, their
 * names and bars pushed out of the waterfall.
 */
export function indentOf(depth: number, namesPx: number): { px: number; capped: boolean } {
  const most = Math.max(0, namesPx - KEPT_FOR_NAME_PX);
  return depth * INDENT_PX > most ? { px: most, capped: true } : { px: depth * INDENT_PX, capped: false };
}
