import { ERROR_COLOR, minimapLayers, type MinimapSpan } from '../../../../viewer/ui/src/lib/minimap';
import { serviceColor } from '../../../../viewer/ui/src/lib/colors';

const node = (start: number, end: number, service = 'api', statusCode = 'Unset'): MinimapSpan => ({ start, end, span: { service, statusCode } });

test('a few spans get a row each, as wide as their share of the trace', () => {
  const layers = minimapLayers([node(0, 100), node(50, 100, 'db')], 100, 200, 56);
  expect(layers).toEqual([
    { color: serviceColor('api'), rects: [0, 0, 200, 5] },
    { color: serviceColor('db'), rects: [100, 6, 100, 5] },
  ]);
});

test('one layer per colour, errors drawn last', () => {
  const layers = minimapLayers([node(0, 10, 'api', 'Error'), node(0, 10), node(0, 10), node(0, 10, 'db')], 10, 100, 56);
  expect(layers.map((l) => l.color)).toEqual([serviceColor('api'), serviceColor('db'), ERROR_COLOR]);
  expect(layers[0]!.rects).toHaveLength(8);
});

test('50,000 spans share pixel rows and stay inside the canvas, at least 1px wide', () => {
  const nodes = Array.from({ length: 50_000 }, (_, i) => node(i, i, `s${i % 5}`));
  const layers = minimapLayers(nodes, 50_000, 1000, 56);
  const rects = layers.flatMap((l) => l.rects);
  expect(rects).toHaveLength(50_000 * 4);
  for (let i = 0; i < rects.length; i += 4) {
    expect(rects[i + 1]!).toBeLessThan(56);
    expect(rects[i + 2]!).toBeGreaterThanOrEqual(1);
  }
});

test('nothing to draw for no spans or no width', () => {
  expect(minimapLayers([], 10, 100, 56)).toEqual([]);
  expect(minimapLayers([node(0, 1)], 10, 0, 56)).toEqual([]);
});
