import type { TailSpan } from '../../../../viewer/api/types';
import { arrived, decodeLive, EMPTY_LIVE, encodeLive, paused } from '../../../../viewer/ui/src/lib/live';

const span = (name: string, represents = 1): TailSpan => ({
  traceId: 't',
  spanId: name,
  service: 's',
  name,
  kind: 'Server',
  startNs: '0',
  durationNs: '0',
  statusCode: 'Unset',
  attributes: {},
  represents,
});

test('rows come newest first and the oldest go past the bound', () => {
  let state = arrived(EMPTY_LIVE, [span('a'), span('b')], 3);
  state = arrived(state, [span('c'), span('d')], 3);
  expect(state.rows.map((r) => r.span.name)).toEqual(['d', 'c', 'b']);
  expect(new Set(state.rows.map((r) => r.key)).size).toBe(3);
});

test('while paused nothing is added, and the spans that went by are counted; resuming clears the count', () => {
  let state = paused(arrived(EMPTY_LIVE, [span('a')]), true);
  state = arrived(state, [span('b', 4), span('c')]);
  expect(state.rows.map((r) => r.span.name)).toEqual(['a']);
  expect(state.missed).toBe(5);
  state = paused(state, false);
  expect(state.missed).toBe(0);
  expect(arrived(state, [span('d')]).rows.map((r) => r.span.name)).toEqual(['d', 'a']);
});

test('the filters round-trip through the URL with the search page names; an unknown status is dropped', () => {
  const filters = { service: 'shop', operation: 'GET /', attrs: ['a=1', 'b>2'], minDuration: '5ms', status: 'error' as const, maxRate: '' };
  expect(decodeLive(encodeLive(filters))).toEqual(filters);
  expect(encodeLive(filters).toString()).toBe('service=shop&operation=GET+%2F&attr=a%3D1&attr=b%3E2&minDuration=5ms&status=error');
  expect(decodeLive(new URLSearchParams('status=broken')).status).toBe('');
});
