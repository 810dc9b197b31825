import type { Span } from '../../../../viewer/api/types';
import { serviceColor } from '../../../../viewer/ui/src/lib/colors';
import { findSpans } from '../../../../viewer/ui/src/lib/find';
import { DEFAULT_SEARCH, DEFAULT_TRACE_VIEW, decodeSearch, decodeTraceView, encodeSearch, encodeTraceView, searchApiParams } from '../../../../viewer/ui/src/lib/url-state';
import { lookbackChoices } from '../../../../viewer/ui/src/lib/lookback';
import { nextRowWindow, planSlots, rowWindow, scrollToRow, windowFollower } from '../../../../viewer/ui/src/lib/virtual';

describe('rowWindow', () => {
  test('renders the rows in view plus overscan', () => {
    expect(rowWindow(0, 260, 26, 50_000, 5)).toEqual({ start: 0, end: 15, offset: 0 });
    expect(rowWindow(26_000, 260, 26, 50_000, 5)).toEqual({ start: 995, end: 1015, offset: 995 * 26 });
  });

  test('never passes the end of the list', () => {
    expect(rowWindow(49_990 * 26, 520, 26, 50_000, 10)).toEqual({ start: 49_980, end: 50_000, offset: 49_980 * 26 });
    expect(rowWindow(0, 500, 26, 0)).toEqual({ start: 0, end: 0, offset: 0 });
  });

  test('a jump that leaves no row in view on screen renders the rows in view alone; a small scroll keeps the overscan', () => {
    const first = nextRowWindow(undefined, 26 * 100, 260, 26, 50_000, 4);
    expect(first).toEqual(rowWindow(26 * 100, 260, 26, 50_000, 4));
    expect(nextRowWindow(first, 26 * 103, 260, 26, 50_000, 4)).toEqual(rowWindow(26 * 103, 260, 26, 50_000, 4));
    const jump = nextRowWindow(first, 26 * 5_000, 260, 26, 50_000, 4);
    expect(jump).toEqual({ start: 5_000, end: 5_010, offset: 5_000 * 26 });
    // The next small step brings the overscan back.
    expect(nextRowWindow(jump, 26 * 5_001, 260, 26, 50_000, 4)).toEqual(rowWindow(26 * 5_001, 260, 26, 50_000, 4));
    // From an empty list (a collapsed root), the window is the usual one.
    expect(nextRowWindow({ start: 0, end: 0, offset: 0 }, 0, 260, 26, 50, 4)).toEqual(rowWindow(0, 260, 26, 50, 4));
    // windowFollower keeps the last window between calls.
    const follow = windowFollower(4);
    expect(follow(26 * 100, 260, 26, 50_000, false)).toEqual(first);
    expect(follow(26 * 5_000, 260, 26, 50_000, false)).toEqual(jump);
    // Once the scroll has settled, the overscan is back.
    expect(follow(26 * 5_000, 260, 26, 50_000, true)).toEqual(rowWindow(26 * 5_000, 260, 26, 50_000, 4));
  });

  describe('planSlots', () => {
    /** Runs a sequence of windows through planSlots, checking each plan against the slots shown before. */
    const walk = (windows: [number, number][]): { moved: number; made: number }[] => {
      let made = 0;
      let shown: number[] = [];
      let shownStart = 0;
      const stats: { moved: number; made: number }[] = [];
      for (const [start, end] of windows) {
        const madeBefore = made;
        const plan = planSlots(shown, shownStart, start, end, () => made++);
        expect(plan.order).toHaveLength(end - start);
        expect(new Set(plan.order).size).toBe(plan.order.length);
        // Every slot of before is either used or dropped, never both; new ones are fresh.
        expect(new Set([...plan.order, ...plan.dropped]).size).toBe(plan.order.length + plan.dropped.length);
        for (const s of shown) expect(plan.order.includes(s) !== plan.dropped.includes(s)).toBe(true);
        // The kept run stands in the document in the order it had.
        const kept = plan.order.slice(plan.keptFrom, plan.keptTo);
        const at = kept.map((s) => shown.indexOf(s));
        expect(at.every((i, k) => i >= 0 && (k === 0 || i > at[k - 1]!))).toBe(true);
        // A row in both windows keeps its slot.
        for (let row = Math.max(start, shownStart); row < Math.min(end, shownStart + shown.length); row++) expect(plan.order[row - start]).toBe(shown[row - shownStart]);
        stats.push({ moved: plan.order.length - kept.length - (made - madeBefore), made: made - madeBefore });
        shown = plan.order;
        shownStart = start;
      }
      return stats;
    };

    test('a small scroll moves only the slots of the rows that enter', () => {
      const [, down, up] = walk([
        [100, 120],
        [103, 123],
        [101, 121],
      ]);
      expect(down).toEqual({ moved: 3, made: 0 });
      expect(up).toEqual({ moved: 2, made: 0 });
    });

    test('a jump reuses every slot where it stands, and a bigger window makes the slots it lacks', () => {
      const [, jump, bigger, smaller] = walk([
        [100, 120],
        [5_000, 5_014],
        [5_002, 5_030],
        [0, 3],
      ]);
      expect(jump).toEqual({ moved: 0, made: 0 });
      expect(bigger!.made).toBe(28 - 14);
      expect(smaller).toEqual({ moved: 0, made: 0 });
    });
  });

  test('scrolls a row into view only when needed', () => {
    expect(scrollToRow(10, 0, 260, 26)).toBe(26);
    expect(scrollToRow(3, 0, 260, 26)).toBeUndefined();
    expect(scrollToRow(0, 100, 260, 26)).toBe(0);
  });
});

describe('URL state', () => {
  test('search filters survive a round trip through the URL', () => {
    const state = { ...DEFAULT_SEARCH, service: 'api', operation: 'GET /', attrs: ['user.id=7', 'env'], minDuration: '10ms', status: 'error' as const, sort: 'slowest' as const, limit: 50 };
    expect(decodeSearch(encodeSearch(state))).toEqual(state);
    const custom = { ...DEFAULT_SEARCH, lookback: '', start: '1700000000000', end: '1700003600000' };
    expect(decodeSearch(encodeSearch(custom))).toEqual(custom);
  });

  test("a map edge's search: repeated services, the first the service, the rest the traces must also have", () => {
    const both = decodeSearch(new URLSearchParams('service=checkout&service=cart&service=checkout&lookback=1h'));
    expect([both.service, both.withServices]).toEqual(['checkout', ['cart']]);
    expect(encodeSearch(both).toString()).toBe('service=checkout&service=cart');
    expect(decodeSearch(encodeSearch({ ...DEFAULT_SEARCH, withServices: ['cart'] })).withServices).toEqual([]);
  });

  test('defaults stay out of the URL, and invalid values fall back to defaults', () => {
    expect(encodeSearch(DEFAULT_SEARCH).toString()).toBe('');
    expect(decodeSearch(new URLSearchParams('status=bogus&sort=up&limit=-3'))).toEqual(DEFAULT_SEARCH);
    // A hand-edited range that is not unix milliseconds falls back to the default lookback.
    expect(decodeSearch(new URLSearchParams('start=abc&end=def'))).toEqual(DEFAULT_SEARCH);
    expect(decodeSearch(new URLSearchParams('start=1700000000000&end=def'))).toEqual({ ...DEFAULT_SEARCH, lookback: '', start: '1700000000000' });
    expect(searchApiParams(DEFAULT_SEARCH).get('lookback')).toBe('1h');
  });

  test('the trace view (span, find text, window, collapsed spans) round-trips', () => {
    const view = { ...DEFAULT_TRACE_VIEW, span: 'abcd', find: 'db <x>', window: [0.25, 0.5] as [number, number], collapsed: ['00f1', 'a2b3c4d5e6f70819'], names: 320 };
    expect(decodeTraceView(encodeTraceView(view))).toEqual(view);
    expect(encodeTraceView(view).get('collapsed')).toBe('00f1,a2b3c4d5e6f70819');
    expect(decodeTraceView(new URLSearchParams('window=0.9-0.1')).window).toBeUndefined();
  });

  test('an empty trace view is an empty query, and junk in collapsed is dropped', () => {
    expect(encodeTraceView(DEFAULT_TRACE_VIEW).toString()).toBe('');
    expect(decodeTraceView(new URLSearchParams(''))).toEqual(DEFAULT_TRACE_VIEW);
    expect(decodeTraceView(new URLSearchParams('collapsed=ab,,<x>,ab,cd')).collapsed).toEqual(['ab', 'cd']);
  });

  test('the statistics and flame graph views, their sort, filter and zoom round-trip; junk falls back to the defaults', () => {
    const stats = { ...DEFAULT_TRACE_VIEW, view: 'stats' as const, group: 'service' as const, sort: 'self' as const, ascending: true, filter: 'db' };
    expect(encodeTraceView(stats).toString()).toBe('view=stats&group=service&sort=self-asc&filter=db');
    expect(decodeTraceView(encodeTraceView(stats))).toEqual(stats);
    const flame = { ...DEFAULT_TRACE_VIEW, view: 'flame' as const, zoom: 12, find: 'redis' };
    expect(decodeTraceView(encodeTraceView(flame))).toEqual(flame);
    expect(decodeTraceView(new URLSearchParams('view=pie&group=x&sort=bogus-up&zoom=-1'))).toEqual(DEFAULT_TRACE_VIEW);
  });

  test('the name column width is whole pixels within bounds, or not set', () => {
    expect(decodeTraceView(new URLSearchParams('names=300')).names).toBe(300);
    for (const junk of ['abc', '12', '99999', '-300', '300.5']) expect([junk, decodeTraceView(new URLSearchParams(`names=${junk}`)).names]).toEqual([junk, undefined]);
  });
});

test('service colours are stable and distinct', () => {
  expect(serviceColor('checkout')).toBe(serviceColor('checkout'));
  const colours = new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map(serviceColor));
  expect(colours.size).toBe(8);
});

test('find-in-trace matches names, services and attribute keys and values, case-insensitively', () => {
  const base = {
    traceId: '',
    parentSpanId: '',
    traceState: '',
    kind: 'Server' as const,
    startNs: '0',
    durationNs: '1',
    statusCode: 'Unset' as const,
    statusMessage: '',
    resource: {},
    scope: { name: '', version: '' },
    events: [],
    links: [],
  };
  const spans: Span[] = [
    { ...base, spanId: '1', name: 'GET /cart', service: 'web', attributes: {} },
    { ...base, spanId: '2', name: 'query', service: 'db', attributes: { 'db.statement': 'SELECT * FROM Cart' } },
    { ...base, spanId: '3', name: 'other', service: 'cartographer', attributes: {} },
    { ...base, spanId: '4', name: 'none', service: 'x', attributes: {} },
  ];
  expect(findSpans(spans, 'CART')).toEqual(['1', '2', '3']);
  expect(findSpans(spans, '   ')).toEqual([]);
});

describe('SQL results', () => {
  const result = (types: string[], rows: string[][]): import('../../../../viewer/ui/src/lib/sql-result').SqlResult => ({
    columns: types.map((type, i) => ({ name: `c${i}`, type })),
    rows,
    elapsedSeconds: undefined,
    rowsRead: undefined,
  });

  test('a time column with numbers is a line chart; labels with a number a bar chart; text alone none', async () => {
    const { chartFor } = await import('../../../../viewer/ui/src/lib/sql-result');
    expect(
      chartFor(
        result(
          ['DateTime', 'UInt64', 'Nullable(Float64)'],
          [
            ['2026-01-01 00:00:00', '1', '2'],
            ['2026-01-01 00:01:00', '3', '4'],
          ],
        ),
      ),
    ).toEqual({ kind: 'line', x: 0, ys: [1, 2] });
    expect(
      chartFor(
        result(
          ['LowCardinality(String)', 'UInt64'],
          [
            ['a', '1'],
            ['b', '2'],
          ],
        ),
      ),
    ).toEqual({ kind: 'bar', label: 0, values: [1] });
    expect(chartFor(result(['String'], [['a'], ['b']]))).toBeUndefined();
  });

  test('ClickHouse JSON becomes text cells, NULL included', async () => {
    const { toSqlResult } = await import('../../../../viewer/ui/src/lib/sql-result');
    expect(
      toSqlResult({
        meta: [
          { name: 'a', type: 'Nullable(UInt8)' },
          { name: 'm', type: 'Map(String, String)' },
        ],
        data: [{ a: null, m: { k: 'v' } }],
      }).rows,
    ).toEqual([['NULL', '{"k":"v"}']]);
  });

  test('history keeps the newest first, without repeats', async () => {
    const { addToHistory } = await import('../../../../viewer/ui/src/lib/sql-result');
    expect(addToHistory(['b', 'a'], ' a ')).toEqual(['a', 'b']);
    expect(addToHistory(['a'], '   ')).toEqual(['a']);
    expect(addToHistory(['x', 'y', 'z'], 'w', 3)).toEqual(['w', 'x', 'y']);
  });
});

describe('SQL results', () => {
  const columns = (...names: string[]): { name: string; type: string }[] => names.map((name) => ({ name, type: 'String' }));
  const trace = 'ab'.repeat(16);
  const span = 'cd'.repeat(8);

  test('TraceId cells link to their trace, SpanId cells to the span in it; anything else, or no id, to nothing', async () => {
    const { idLinks } = await import('../../../../viewer/ui/src/lib/sql-result');
    const links = idLinks(columns('SpanName', 'TraceId', 'SpanId'));
    expect([...links.keys()]).toEqual([1, 2]);
    expect(links.get(1)!(['x', trace, span])).toBe(`/trace/${trace}`);
    expect(links.get(2)!(['x', trace.toUpperCase(), span])).toBe(`/trace/${trace}?span=${span}`);
    expect(links.get(1)!(['x', '', span])).toBeUndefined();
    expect(links.get(2)!(['x', trace, 'NULL'])).toBeUndefined();
    expect([...idLinks(columns('trace_id')).keys()]).toEqual([0]);
    expect(idLinks(columns('SpanId')).size).toBe(0);
  });

  test('chart values carry their unit: names ending in ms, ns or s are durations, the rest compact numbers', async () => {
    const { formatValue, niceTicks, unitOf } = await import('../../../../viewer/ui/src/lib/chart-units');
    expect(['p99_ms', 'Duration', 'wait_ns', 'elapsed_seconds', 'latencyMs', 'spans', 'items'].map((name) => unitOf({ name, type: 'Float64' }))).toEqual([
      'ms',
      'ns',
      'ns',
      's',
      'ms',
      'number',
      'number',
    ]);
    expect(formatValue(6880, 'ms')).toBe('6.88s');
    expect(formatValue(0, 'ms')).toBe('0');
    expect(formatValue(268_435_456, 'ns')).toBe('268ms');
    expect(formatValue(12_345, 'number')).not.toMatch(/e\+/);
    expect(niceTicks(6880)).toEqual([0, 2000, 4000, 6000, 8000]);
    expect(niceTicks(0.7)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });

  test('columns get one width each, shared by the header and the rows', async () => {
    const { columnWidths } = await import('../../../../viewer/ui/src/lib/sql-result');
    expect(columnWidths({ columns: columns('a', 'Events.Attributes'), rows: [['x', 'y'.repeat(400)]], elapsedSeconds: undefined, rowsRead: undefined })).toEqual([120, 480]);
  });
});

describe('lookbackChoices', () => {
  const PRESETS = ['15m', '1h', '6h', '24h', '2d'];
  test('a lookback the page offers, or none (a custom range), leaves the presets as they are', () => {
    expect(lookbackChoices(PRESETS, '6h')).toEqual(PRESETS);
    expect(lookbackChoices(PRESETS, '')).toEqual(PRESETS);
  });
  test('one it does not offer joins them in order of length, so the select shows the range the page reads', () => {
    expect(lookbackChoices(PRESETS, '3h')).toEqual(['15m', '1h', '3h', '6h', '24h', '2d']);
    expect(lookbackChoices(PRESETS, '7d')).toEqual([...PRESETS, '7d']);
    expect(lookbackChoices(PRESETS, '90s')).toEqual(['90s', ...PRESETS]);
    expect(lookbackChoices(PRESETS, '1.5h')).toEqual(['15m', '1h', '1.5h', '6h', '24h', '2d']);
    // Read as the API reads it: a compound duration has its length.
    expect(lookbackChoices(PRESETS, '1h30m')).toEqual(['15m', '1h', '1h30m', '6h', '24h', '2d']);
  });
  test('text that is no duration goes last rather than breaking the list', () => {
    expect(lookbackChoices(PRESETS, 'soon')).toEqual([...PRESETS, 'soon']);
  });
});
