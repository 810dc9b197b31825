/** The range selects' choices (search, anomalies, the map, a service's page). */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A page's lookback presets with the URL's own lookback among them, shortest first: a link may
 * carry one the page does not offer (`lookback=3h` typed or shared, the map's 7 days handed to
 * search), and the range select would otherwise show blank while the page reads that range.
 */
export function lookbackChoices(presets: readonly string[], current: string): string[] {
  if (current === '' || presets.includes(current)) return [...presets];
  const ms = (p: string): number => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(p);
    return m ? Number(m[1]) * UNIT_MS[m[2]!]! : Number.POSITIVE_INFINITY;
  };
  return [...presets, current].sort((a, b) => ms(a) - ms(b));
}
