import { indentOf, labelPlacement, ticks, timeScale, toPercent } from '../../../../viewer/ui/src/lib/layout';

describe('time scale', () => {
  test('the whole trace, or the minimap window of it', () => {
    expect(timeScale(1000, undefined)).toEqual({ start: 0, length: 1000 });
    expect(timeScale(1000, [0.25, 0.75])).toEqual({ start: 250, length: 500 });
    // A trace of zero length (one instant span) still has a scale to draw on.
    expect(timeScale(0, undefined).length).toBe(1);
  });

  test('times map to percentages of the bar column, outside 0..100 when out of view', () => {
    const scale = timeScale(1000, [0.25, 0.75]);
    expect(toPercent(scale, 250)).toBe(0);
    expect(toPercent(scale, 500)).toBe(50);
    expect(toPercent(scale, 750)).toBe(100);
    expect(toPercent(scale, 0)).toBe(-50);
  });

  test('axis ticks span the view', () => {
    expect(ticks(timeScale(1000, [0.5, 1]))).toEqual([
      { fraction: 0, ns: 500 },
      { fraction: 0.25, ns: 625 },
      { fraction: 0.5, ns: 750 },
      { fraction: 0.75, ns: 875 },
      { fraction: 1, ns: 1000 },
    ]);
  });
});

// Bars drawn over a 0..100 column; the label needs 10.
//   [====]      ·label            after the end when there is room
//   [==================]label|    inside the end of a long bar at the right edge
//           label·[=]|            before the start of a short bar at the right edge
describe('duration label placement', () => {
  test.each([
    ['a bar ending mid-column', 10, 40, { side: 'after', at: 40 }],
    ['a long bar reaching the right edge', 5, 100, { side: 'inside', at: 100 }],
    ['a short bar at the right edge', 95, 97, { side: 'before', at: 95 }],
    ['a short bar filling a narrow column', 0, 95, { side: 'inside', at: 95 }],
    ['a bar past the zoom window is clamped', 120, 150, { side: 'before', at: 100 }],
    ['a bar before the zoom window', -50, -10, { side: 'after', at: 0 }],
  ] as const)('%s', (_name, start, end, expected) => {
    expect(labelPlacement(start, end, 10)).toEqual(expected);
  });
});

describe('row indent', () => {
  test('14 px a level while the name column has room, then the same indent and the depth said', () => {
    expect(indentOf(0, 500)).toEqual({ px: 0, capped: false });
    expect(indentOf(10, 500)).toEqual({ px: 140, capped: false });
    // 500 px keep 260 for the name: 240 px of indent, 17 levels.
    expect(indentOf(17, 500)).toEqual({ px: 238, capped: false });
    expect(indentOf(18, 500)).toEqual({ px: 240, capped: true });
    expect(indentOf(9999, 500)).toEqual({ px: 240, capped: true });
    // A column narrower than what a name keeps indents nothing.
    expect(indentOf(1, 200)).toEqual({ px: 0, capped: true });
  });
});
