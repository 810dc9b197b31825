/**
 * The search scatter plot's scales, robust to a few far-off results: a trace hours older
 * than the rest, or one 100× slower, would otherwise press every other dot against an edge.
 * Such outliers are clipped: drawn at the edge with a mark, and counted, so nothing is hidden.
 */

export interface ScatterScale {
  /** The time range drawn, Unix ms. */
  x: [number, number];
  /** The longest duration drawn, ns. */
  yMax: number;
  /** Indexes of results older than the range drawn, pinned to its left edge. */
  older: Set<number>;
  /** Indexes of results slower than yMax, pinned to the top. */
  slower: Set<number>;
}

/** How far beyond the bulk a value may lie before it is clipped, in multiples of the bulk's own spread. */
const X_REACH = 1;
const Y_REACH = 4;

function at(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function scatterScale(startsMs: readonly number[], durationsNs: readonly number[]): ScatterScale {
  const older = new Set<number>();
  const slower = new Set<number>();
  const xs = [...startsMs].sort((a, b) => a - b);
  const ys = [...durationsNs].sort((a, b) => a - b);
  if (xs.length === 0) return { x: [0, 1], yMax: 1, older, slower };
  const [x0, x1] = [xs[0]!, xs[xs.length - 1]!];
  // The oldest tenth may lie anywhere; older than the bulk's own span before it is far.
  const bulkStart = at(xs, 0.1);
  const limit = bulkStart - Math.max(1, x1 - bulkStart) * X_REACH;
  if (xs.length >= 5 && x0 < limit) startsMs.forEach((x, i) => x < limit && older.add(i));
  const drawnX0 = older.size > 0 ? Math.min(...startsMs.filter((_, i) => !older.has(i))) : x0;
  // Slower than four times the 75th percentile is far (with 20 results, the 90th could be the outlier itself).
  const yLimit = at(ys, 0.75) * Y_REACH;
  if (ys.length >= 5 && ys[ys.length - 1]! > yLimit) durationsNs.forEach((y, i) => y > yLimit && slower.add(i));
  const yMax = Math.max(1, ...durationsNs.filter((_, i) => !slower.has(i)));
  return { x: [drawnX0, x1], yMax, older, slower };
}
