import { makeApiSpan } from '../../../support/api-spans';
import { createFinder, findSpans, highlightParts, spanMatches } from '../../../../viewer/ui/src/lib/find';

/** Only what is searched matters. */
const makeSpan = makeApiSpan;

describe('find in trace', () => {
  const spans = [
    makeSpan({ spanId: 'a1', name: 'GET /cart' }),
    makeSpan({ spanId: 'a2', statusMessage: 'card declined' }),
    makeSpan({ spanId: 'a3', resource: { 'host.name': 'cart-node-7' } }),
    makeSpan({ spanId: 'a4', events: [{ timeNs: '0', name: 'exception', attributes: { 'exception.message': 'Timeout talking to CART' } }] }),
    makeSpan({ spanId: 'a5', attributes: { 'db.system': 'postgres' } }),
  ];

  test('matches names, status messages, resource attributes and event attributes, case-insensitively', () => {
    expect(findSpans(spans, 'CART')).toEqual(['a1', 'a3', 'a4']);
    expect(findSpans(spans, 'declined')).toEqual(['a2']);
    expect(findSpans(spans, 'DB.SYS')).toEqual(['a5']);
    expect(findSpans(spans, '  postgres ')).toEqual(['a5']);
  });

  test('an empty query matches nothing', () => {
    expect(findSpans(spans, '')).toEqual([]);
    expect(findSpans(spans, '   ')).toEqual([]);
    expect(spanMatches(spans[0]!, ' ')).toBe(false);
  });

  test('a match never runs from one field into the next', () => {
    const span = makeSpan({ name: 'ab', service: 'cd' });
    expect(spanMatches(span, 'bc')).toBe(false);
    expect(spanMatches(span, 'ab')).toBe(true);
  });

  test('a finder keeps the given order and answers many queries from one index', () => {
    const finder = createFinder([...spans].reverse());
    expect(finder.find('cart')).toEqual(['a4', 'a3', 'a1']);
    expect(finder.find('nothing like it')).toEqual([]);
  });

  test('prepare builds the index a slice at a time while there is time, and the finder answers the same before, during and after', () => {
    const many = Array.from({ length: 1_000 }, (_, i) => makeSpan({ spanId: String(i), name: `op ${i % 50}` }));
    const expected = findSpans(many, 'op 7');
    const finder = createFinder(many);
    let asks = 0;
    // No time at all: nothing is done, and the index is not complete.
    expect(finder.prepare(() => false)).toBe(false);
    // Time for two slices: not yet complete, and a search meanwhile finishes the index itself.
    expect(finder.prepare(() => ++asks <= 2)).toBe(false);
    expect(asks).toBe(3);
    const halfway = createFinder(many);
    let slices = 0;
    halfway.prepare(() => ++slices <= 1);
    expect(halfway.find('op 7')).toEqual(expected);
    expect(halfway.prepare(() => true)).toBe(true);
    // Unlimited time completes it; then it stays complete without asking.
    expect(finder.prepare(() => true)).toBe(true);
    expect(finder.prepare(() => false)).toBe(true);
    expect(finder.find('op 7')).toEqual(expected);
  });

  // Its speed is measured by the viewer benchmark (find on 5,000 and 50,000 spans), not here.
  test('50,000 spans: queries over the index find every match', () => {
    const many = Array.from({ length: 50_000 }, (_, i) => makeSpan({ spanId: String(i), name: `op ${i % 50}`, attributes: { 'app.index': String(i), 'app.kind': `k${i % 7}` } }));
    const finder = createFinder(many);
    expect(finder.find('k3')).toHaveLength(Math.ceil((50_000 - 3) / 7));
    // 'op 1' is also in 'op 10' … 'op 19': 11 of the 50 names, 1,000 spans each.
    expect(finder.find('op 1')).toHaveLength(11_000);
    expect(finder.find('app.index')).toHaveLength(50_000);
  });
});

describe('highlightParts', () => {
  test('splits a text around every case-insensitive occurrence', () => {
    expect(highlightParts('Charge card, recharge', 'CHARGE')).toEqual([
      { text: 'Charge', match: true },
      { text: ' card, re', match: false },
      { text: 'charge', match: true },
    ]);
  });

  test('no query or no occurrence leaves the text whole', () => {
    expect(highlightParts('GET /cart', '')).toEqual([{ text: 'GET /cart', match: false }]);
    expect(highlightParts('GET /cart', 'zzz')).toEqual([{ text: 'GET /cart', match: false }]);
  });

  test('hostile text stays the same characters, only split', () => {
    const text = '<img src=x onerror=window.__xss=1>';
    expect(
      highlightParts(text, 'onerror')
        .map((p) => p.text)
        .join(''),
    ).toBe(text);
  });

  test('when lower-casing changes the length, nothing is marked rather than the wrong letters', () => {
    expect(highlightParts('İstanbul', 'stan')).toEqual([{ text: 'İstanbul', match: false }]);
  });
});
