import type { ExplainAttribute, ExplainPath } from '../../../../viewer/api/types';
import { attributeHref, decodeExplain, encodeExplain, explainApiParams, explainHref, logScale, pathHref, pathText, percent } from '../../../../viewer/ui/src/lib/explain';
import { DEFAULT_SEARCH, decodeSearch } from '../../../../viewer/ui/src/lib/url-state';

const search = { ...DEFAULT_SEARCH, service: 'frontend', operation: 'GET /checkout', attrs: ['http.method=GET'], lookback: '6h' };
const attribute = (onMatchingSpan: boolean): ExplainAttribute => ({
  scope: 'span',
  key: 'region',
  value: 'eu-west',
  slow: { traces: 50, share: 1 },
  baseline: { traces: 5, share: 0.01 },
  score: 0.99,
  lift: 90,
  onMatchingSpan,
});
const searchOf = (href: string): URLSearchParams => new URL(href, 'http://x').searchParams;

describe('explain URL state', () => {
  test('filters and threshold survive a round trip; sort and limit are dropped', () => {
    const state = { search: { ...search, sort: 'slowest' as const, limit: 50 }, threshold: '268ms' };
    expect(decodeExplain(encodeExplain(state))).toEqual({ search: { ...search, sort: 'newest', limit: 20 }, threshold: '268ms' });
  });

  test('a threshold that is neither ns nor a duration is ignored, not sent', () => {
    expect(decodeExplain(new URLSearchParams('threshold=fast')).threshold).toBe('');
    expect(decodeExplain(new URLSearchParams('threshold=268000000')).threshold).toBe('268000000');
    expect(decodeExplain(new URLSearchParams('threshold=1.5s')).threshold).toBe('1.5s');
  });

  test('the API query makes the default lookback explicit', () => {
    expect(explainApiParams({ search: { ...DEFAULT_SEARCH, service: 'a' }, threshold: '' }).toString()).toBe('service=a&lookback=1h');
  });

  test('the entry point carries the search', () => {
    expect(explainHref(search)).toBe('/explain?service=frontend&operation=GET+%2Fcheckout&attr=http.method%3DGET&lookback=6h');
    expect(explainHref(DEFAULT_SEARCH)).toBe('/explain');
  });
});

describe('links to the traces', () => {
  test('a value on the matching span: the search, the value and the threshold as minimum duration', () => {
    const state = decodeSearch(searchOf(attributeHref(search, attribute(true), '268000000')));
    expect(state).toMatchObject({ service: 'frontend', operation: 'GET /checkout', attrs: ['http.method=GET', 'region=eu-west'], minDuration: '268000000ns', lookback: '6h', sort: 'slowest' });
  });

  test("the search's own larger minimum duration is kept", () => {
    const state = decodeSearch(searchOf(attributeHref({ ...search, minDuration: '900000000ns' }, attribute(true), '268000000')));
    expect(state.minDuration).toBe('900000000ns');
  });

  test('a value elsewhere in the trace: the value alone over the same range, slowest first', () => {
    const state = decodeSearch(searchOf(attributeHref(search, attribute(false), '268000000')));
    expect(state).toMatchObject({ service: '', operation: '', attrs: ['region=eu-west'], minDuration: '', lookback: '6h', sort: 'slowest' });
  });

  test("a path: its last span's service and operation, slowest first", () => {
    const path: ExplainPath = {
      path: [
        { service: 'frontend', operation: 'GET /checkout' },
        { service: 'payments', operation: 'charge' },
      ],
      slowAvgSelfNs: 300e6,
      baselineAvgSelfNs: 1e6,
      growthNs: 299e6,
      slow: { traces: 10, share: 1 },
      baseline: { traces: 10, share: 0.1 },
    };
    expect(decodeSearch(searchOf(pathHref(search, path)))).toMatchObject({ service: 'payments', operation: 'charge', attrs: [], lookback: '6h', sort: 'slowest' });
    expect(pathText(path)).toBe('frontend GET /checkout > payments charge');
  });
});

describe('logScale', () => {
  test('maps durations to 0..1 and back, clamped', () => {
    const scale = logScale(1e6, 1e9);
    expect(scale.fraction(1e6)).toBe(0);
    expect(scale.fraction(1e9)).toBe(1);
    expect(scale.fraction(10 ** 7.5)).toBeCloseTo(0.5);
    expect(scale.ns(0.5)).toBe(Math.round(10 ** 7.5));
    expect(scale.fraction(1)).toBe(0);
    expect(scale.ns(2)).toBe(1e9);
  });

  test('one duration alone does not divide by zero', () => {
    expect(Number.isFinite(logScale(5e6, 5e6).fraction(5e6))).toBe(true);
  });
});

test('percent', () => {
  expect([percent(1), percent(0.053), percent(0.0049), percent(0)]).toEqual(['100%', '5.3%', '0.5%', '0%']);
});
