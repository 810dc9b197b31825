import { ERROR_COLORS, PALETTE, ServiceColors, extraColor, type ColorStorage } from '../../../../viewer/ui/src/lib/colors';
import { DISTINCT_DELTA_E, NOT_ERROR_DELTA_E, deltaE } from '../../../support/colors';

function memoryStorage(initial: Record<string, string> = {}): ColorStorage & { data: Record<string, string> } {
  const data = { ...initial };
  return { data, getItem: (k) => data[k] ?? null, setItem: (k, v) => void (data[k] = v) };
}

test('no palette colour, nor any colour past it, reads as the error red of either theme', () => {
  const all = [...PALETTE, ...Array.from({ length: 40 }, (_, n) => extraColor(n))];
  for (const color of all) for (const error of ERROR_COLORS) expect([color, error, deltaE(color, error) >= NOT_ERROR_DELTA_E]).toEqual([color, error, true]);
});

test('the palette colours are told apart from each other', () => {
  for (const a of PALETTE) for (const b of PALETTE) if (a !== b) expect([a, b, deltaE(a, b) >= DISTINCT_DELTA_E]).toEqual([a, b, true]);
});

test("eight services get eight distinct colours, where a hash of the names gave two pairs one colour each and payments the error's red", () => {
  const colors = new ServiceColors(memoryStorage());
  const services = ['frontend', 'api-gateway', 'checkout', 'cart', 'inventory', 'payments', 'order-worker', 'catalog'];
  const given = services.map((s) => colors.colorOf(s));
  expect(new Set(given).size).toBe(8);
  expect(given).toEqual(PALETTE.slice(0, 8));
});

test('learn hands out colours in sorted order, and keeps those already given', () => {
  const colors = new ServiceColors(memoryStorage());
  expect(colors.colorOf('zeta')).toBe(PALETTE[0]);
  colors.learn(['zeta', 'beta', 'alpha']);
  expect([colors.colorOf('alpha'), colors.colorOf('beta'), colors.colorOf('zeta')]).toEqual([PALETTE[1], PALETTE[2], PALETTE[0]]);
  expect(colors.known('not a service')).toBeUndefined();
});

test('the mapping survives a reload through storage, and a broken one starts afresh', () => {
  const storage = memoryStorage();
  new ServiceColors(storage).learn(['a', 'b']);
  const reloaded = new ServiceColors(storage);
  expect([reloaded.known('a'), reloaded.known('b'), reloaded.colorOf('c')]).toEqual([PALETTE[0], PALETTE[1], PALETTE[2]]);
  expect(new ServiceColors(memoryStorage({ 'hindsight.serviceColors': '{not json' })).colorOf('x')).toBe(PALETTE[0]);
});

test('past the palette, services still get colours nobody else holds', () => {
  const colors = new ServiceColors(undefined);
  const given = Array.from({ length: 40 }, (_, i) => colors.colorOf(`s${i}`));
  expect(new Set(given).size).toBe(40);
});
