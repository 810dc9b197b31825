import { createMinimapBuilder, ERROR_COLOR, minimapLayers, type MinimapSpan } from '../../../../viewer/ui/src/lib/minimap';
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

test('built a slice at a time, the layers are those built in one go', () => {
  const nodes = Array.from({ length: 20_000 }, (_, i) => node(i % 977, (i % 977) + (i % 13), `s${i % 7}`, i % 101 === 0 ? 'Error' : 'Unset'));
  const builder = createMinimapBuilder(nodes, 1_000, 800, 56);
  let slices = 0;
  // One slice per idle period: `more()` says yes once, then no.
  for (let done = false; !done; slices++) {
    let asked = 0;
    done = builder.build(() => asked++ === 0);
  }
  expect(slices).toBeGreaterThan(5);
  expect(builder.layers()).toEqual(minimapLayers(nodes, 1_000, 800, 56));
  // Nothing to draw: done at once, no layers.
  const none = createMinimapBuilder(nodes, 1_000, 0, 56);
  expect(none.build(() => false)).toBe(true);
  expect(none.layers()).toEqual([]);
});
