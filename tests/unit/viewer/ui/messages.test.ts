/** The viewer's words for a bad trace id, its tab titles and its back-off while the server is away. */
import { pageTitle } from '../../../../viewer/ui/src/lib/page-title';
import { isNetworkFailure, MAX_RETRY_MS, retryDelayMs } from '../../../../viewer/ui/src/lib/retry';
import { parseTraceIdInput } from '../../../../viewer/ui/src/lib/trace-id';

describe('Go to trace id', () => {
  test.each([
    ['4BF92F3577B34DA6A3CE929D0E0E4736', '4bf92f3577b34da6a3ce929d0e0e4736'],
    ['  00f067aa0ba902b7 ', '00f067aa0ba902b7'],
  ])('%j is a trace id', (typed, traceId) => {
    expect(parseTraceIdInput(typed)).toEqual({ ok: true, traceId });
  });

  test.each([
    ['', 'Type a trace id: up to 32 hex digits.'],
    ['checkout', '"checkout" is not a trace id: a trace id has only the hex digits 0-9 and a-f.'],
    ['a'.repeat(33), `"${'a'.repeat(33)}" is not a trace id: it has 33 digits, more than 32.`],
    ['x'.repeat(60), `"${'x'.repeat(40)}…" is not a trace id: a trace id has only the hex digits 0-9 and a-f.`],
  ])('%j says what is wrong', (typed, message) => {
    expect(parseTraceIdInput(typed)).toEqual({ ok: false, message });
  });
});

test('a tab title names the page first, then Hindsight', () => {
  expect(pageTitle('Search')).toBe('Search · Hindsight');
  expect(pageTitle('GET /checkout', 'Trace 4bf92f35')).toBe('GET /checkout · Trace 4bf92f35 · Hindsight');
  expect(pageTitle('', 'Service')).toBe('Service · Hindsight');
});

test('probes back off from 1 s, doubling, to at most 15 s', () => {
  expect([0, 1, 2, 3, 4, 5, 9].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, MAX_RETRY_MS, MAX_RETRY_MS, MAX_RETRY_MS]);
});

test('only a failure to reach the server is one, not an abort or an error answer', () => {
  expect(isNetworkFailure(new TypeError('Failed to fetch'))).toBe(true);
  expect(isNetworkFailure(new DOMException('aborted', 'AbortError'))).toBe(false);
  expect(isNetworkFailure(new Error('500 Internal Server Error'))).toBe(false);
});
