/** The range selects' choices (search, anomalies, the map, a service's page). */
import { durationNs } from '../../../model/format';

/**
 * A page's lookback presets with the URL's own lookback among them, shortest first: a link may
 * carry one the page does not offer (`lookback=3h` typed or shared, the map's 7 days handed to
 * search), and the range select would otherwise show blank while the page reads that range. The
 * lengths are read as the API reads a lookback; text that is none goes last.
 */
export function lookbackChoices(presets: readonly string[], current: string): string[] {
  if (current === '' || presets.includes(current)) return [...presets];
  const length = (p: string): number => durationNs(p) ?? Number.POSITIVE_INFINITY;
  return [...presets, current].sort((a, b) => length(a) - length(b));
}
