import { filterParams, INITIAL, reduce, type TuiAction, type TuiState } from '../../../cmd/tui';
import type { TraceSummary } from '../../../viewer/api/types';

const key = (over: Partial<Record<string, boolean>> = {}): Extract<TuiAction, { type: 'key' }>['key'] => ({
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  return: false,
  escape: false,
  backspace: false,
  delete: false,
  ctrl: false,
  meta: false,
  ...over,
});
const press = (state: TuiState, input: string, over: Partial<Record<string, boolean>> = {}): TuiState => reduce(state, { type: 'key', input, key: key(over) });
const summary = (traceId: string): TraceSummary => ({ traceId, rootService: 's', rootOperation: 'o', startNs: '0', durationNs: '1', spanCount: 1, errorCount: 0, services: [] });

test('a filter typed faster than renders is applied whole', () => {
  let state = press(INITIAL, '/');
  state = press(state, 'bill');
  state = press(state, 'ing');
  state = press(state, '', { return: true });
  expect(state.filter).toBe('billing');
  expect(state.draft).toBeUndefined();
});

test('selection stays within the list, and enter asks for the selected trace', () => {
  let state = reduce(INITIAL, { type: 'traces', traces: [summary('a'), summary('b')] });
  state = press(press(press(state, '', { downArrow: true }), '', { downArrow: true }), '', { downArrow: true });
  expect(state.selected).toBe(1);
  expect(press(state, '', { return: true }).opening).toBe('b');
});

test('filters: key=value is an attribute, a word a service', () => {
  expect(filterParams('http.route=/cart').attr).toEqual(['http.route=/cart']);
  expect(filterParams('billing').service).toBe('billing');
  expect(filterParams('').service).toBeUndefined();
});
