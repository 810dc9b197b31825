/**
 * A stable colour per service: the same service keeps its colour across pages,
 * reloads and traces, because it comes from a hash of the name, not from order.
 */
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f', '#e15759', '#8cd17d', '#86bcb6', '#d37295', '#a0cbe8', '#ffbe7d'];

/** Distinct colours for the series of one chart, by position. */
export function seriesColor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

export function serviceColor(service: string): string {
  let hash = 2166136261;
  for (let i = 0; i < service.length; i++) {
    hash ^= service.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return PALETTE[(hash >>> 0) % PALETTE.length]!;
}
