import { withEmptyBuckets } from '../../../../viewer/ui/src/lib/histogram';
import { scatterScale } from '../../../../viewer/ui/src/lib/scatter';
import { clock24 } from '../../../../viewer/ui/src/lib/clock';

test('every power-of-two bucket between the fastest and the slowest is drawn, empty ones with 0', () => {
  expect(
    withEmptyBuckets([
      { leNs: 2 ** 29, count: 10 },
      { leNs: 2 ** 33, count: 1 },
    ]),
  ).toEqual([
    { leNs: 2 ** 29, count: 10 },
    { leNs: 2 ** 30, count: 0 },
    { leNs: 2 ** 31, count: 0 },
    { leNs: 2 ** 32, count: 0 },
    { leNs: 2 ** 33, count: 1 },
  ]);
  expect(withEmptyBuckets([])).toEqual([]);
});

describe('scatter scale', () => {
  const minute = 60_000;
  const now = 1_700_000_000_000;
  const recent = Array.from({ length: 10 }, (_, i) => now - i * minute);

  test('a result hours older than the rest is pinned to the left edge, and the rest spread over the plot', () => {
    const scale = scatterScale([...recent, now - 90 * minute], [...recent.map(() => 1e8), 1e8]);
    expect([...scale.older]).toEqual([10]);
    expect(scale.x).toEqual([now - 9 * minute, now]);
  });

  test('a result far slower than the rest is pinned to the top', () => {
    const scale = scatterScale(recent, [...recent.slice(1).map(() => 2e8), 8e9]);
    expect([...scale.slower]).toEqual([9]);
    expect(scale.yMax).toBe(2e8);
  });

  test('an even spread, or too few results to tell, clips nothing', () => {
    expect(
      scatterScale(
        recent,
        recent.map((_, i) => (i + 1) * 1e8),
      ),
    ).toMatchObject({ x: [now - 9 * minute, now], yMax: 1e9, older: new Set(), slower: new Set() });
    expect(scatterScale([now - 90 * minute, now], [1, 1e9])).toMatchObject({ older: new Set(), slower: new Set() });
  });
});

test("uPlot's date templates are put on the 24-hour clock; dates and seconds are left as they are", () => {
  expect(clock24('{h}:{mm}{aa}')).toBe('{HH}:{mm}');
  expect(clock24('{h}{aa}')).toBe('{HH}:00');
  expect(clock24('\n{M}/{D}/{YY} {h}:{mm}{aa}')).toBe('\n{M}/{D}/{YY} {HH}:{mm}');
  expect(clock24('{YYYY}-{MM}-{DD} {h}:{mm}{aa}')).toBe('{YYYY}-{MM}-{DD} {HH}:{mm}');
  expect(clock24(':{ss}.{fff}')).toBe(':{ss}.{fff}');
});
