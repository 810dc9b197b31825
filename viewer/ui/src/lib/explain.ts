/**
 * The "why are these slow?" page's state and links, kept out of its components: the page's
 * URL is a search's filters plus a threshold; each ranked item links to a search for the
 * traces that carry it; the histogram places durations on a log scale.
 */
import type { ExplainAttribute, ExplainPath } from '../../../api/types';
import { DEFAULT_SEARCH, decodeSearch, encodeSearch, type SearchState } from './url-state';

export interface ExplainState {
  /** The search's filters (its sort and limit play no part). */
  search: SearchState;
  /** As typed or dragged: nanoseconds with a unit (268000000ns) or a duration (268ms); '' for the default, the 95th percentile. */
  threshold: string;
}

const THRESHOLD = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$|^\d+$/;

export function decodeExplain(params: URLSearchParams): ExplainState {
  const threshold = params.get('threshold') ?? '';
  return { search: { ...decodeSearch(params), limit: DEFAULT_SEARCH.limit, sort: DEFAULT_SEARCH.sort }, threshold: THRESHOLD.test(threshold) ? threshold : '' };
}

/** The page's URL parameters: the search's filters, then the threshold when one is set. */
export function encodeExplain(state: ExplainState): URLSearchParams {
  const params = encodeSearch({ ...state.search, limit: DEFAULT_SEARCH.limit, sort: DEFAULT_SEARCH.sort });
  if (state.threshold) params.set('threshold', state.threshold);
  return params;
}

/** The API query: the page's, with the default lookback made explicit. */
export function explainApiParams(state: ExplainState): URLSearchParams {
  const params = encodeExplain(state);
  if (!state.search.start && !params.has('lookback')) params.set('lookback', state.search.lookback || DEFAULT_SEARCH.lookback);
  return params;
}

/** "Why are these slow?" for a search: the entry point from search results and the service page. */
export function explainHref(search: SearchState): string {
  const params = encodeExplain({ search, threshold: '' });
  return params.size > 0 ? `/explain?${params}` : '/explain';
}

/** The search's time range alone, for a link to other traces of the same range. */
function rangeOf(search: SearchState): SearchState {
  return { ...DEFAULT_SEARCH, lookback: search.lookback, start: search.start, end: search.end, sort: 'slowest' };
}

/**
 * The slow traces that carry an attribute value. When the matching span carries it, that is
 * the search with the value added and the threshold as minimum duration: exactly the slow ones.
 * A value carried elsewhere in the trace cannot be asked together with the matching span's
 * duration (a search's filters hold on one span), so the link finds the traces with it,
 * slowest first.
 */
export function attributeHref(search: SearchState, attribute: ExplainAttribute, thresholdNs: string): string {
  const filter = `${attribute.key}=${attribute.value}`;
  const state: SearchState = attribute.onMatchingSpan
    ? { ...search, attrs: [...search.attrs.filter((a) => a !== filter), filter], minDuration: `${maxNs(thresholdNs, search.minDuration)}ns`, sort: 'slowest' }
    : { ...rangeOf(search), attrs: [filter] };
  return `/search?${encodeSearch(state)}`;
}

/** The traces with a path's last span, slowest first. */
export function pathHref(search: SearchState, path: ExplainPath): string {
  const leaf = path.path[path.path.length - 1];
  return `/search?${encodeSearch({ ...rangeOf(search), service: leaf?.service ?? '', operation: leaf?.operation ?? '' })}`;
}

/** The larger of a threshold (ns) and a search's minimum duration, when that one is plain nanoseconds. */
function maxNs(thresholdNs: string, minDuration: string): string {
  const min = /^(\d+)ns$/.exec(minDuration)?.[1];
  return min !== undefined && BigInt(min) > BigInt(thresholdNs) ? min : thresholdNs;
}

/** A log scale from the shortest to the longest duration of a histogram: position 0 to 1. */
export interface LogScale {
  fraction(ns: number): number;
  ns(fraction: number): number;
}

export function logScale(minNs: number, maxNs: number): LogScale {
  const lo = Math.log(Math.max(1, minNs));
  const hi = Math.max(lo + 1e-9, Math.log(Math.max(1, maxNs)));
  return {
    fraction: (ns) => Math.min(1, Math.max(0, (Math.log(Math.max(1, ns)) - lo) / (hi - lo))),
    ns: (fraction) => Math.round(Math.exp(lo + Math.min(1, Math.max(0, fraction)) * (hi - lo))),
  };
}

/** A path as people read it: "frontend GET /checkout > payments charge". */
export function pathText(path: ExplainPath): string {
  return path.path.map((s) => `${s.service} ${s.operation}`).join(' > ');
}

/** A share as a percentage with at most one decimal. */
export function percent(share: number): string {
  const value = share * 100;
  return `${value >= 10 || value === 0 ? value.toFixed(0) : value.toFixed(1)}%`;
}
