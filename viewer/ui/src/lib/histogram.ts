/**
 * The service page's latency histogram: every power-of-two bucket between the fastest and
 * the slowest is drawn, the empty ones too, so that 537 ms does not sit next to 8.59 s as if
 * they were neighbours. The API sends only buckets with spans.
 */
export interface HistogramBar {
  leNs: number;
  count: number;
}

export function withEmptyBuckets(bars: readonly HistogramBar[]): HistogramBar[] {
  const out: HistogramBar[] = [];
  for (const bar of bars) {
    for (let le = (out.at(-1)?.leNs ?? bar.leNs) * 2; out.length > 0 && le < bar.leNs; le *= 2) out.push({ leNs: le, count: 0 });
    out.push(bar);
  }
  return out;
}
