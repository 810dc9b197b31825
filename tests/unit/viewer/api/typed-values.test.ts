/** The attribute type read back from stored text: only where the typed value prints back to exactly that text. */
import { typedValue } from '../../../../viewer/api/typed-values';

test.each([
  ['true', { type: 'bool', value: true }],
  ['false', { type: 'bool', value: false }],
  ['42', { type: 'int64', value: 42n }],
  ['-7', { type: 'int64', value: -7n }],
  ['0', { type: 'int64', value: 0n }],
  ['9223372036854775807', { type: 'int64', value: 9223372036854775807n }],
  ['-9223372036854775808', { type: 'int64', value: -9223372036854775808n }],
  ['3.25', { type: 'float64', value: 3.25 }],
  ['-0.5', { type: 'float64', value: -0.5 }],
  ['1e+21', { type: 'float64', value: 1e21 }],
  ['1.5e-7', { type: 'float64', value: 1.5e-7 }],
])('%s is typed', (text, typed) => {
  expect(typedValue(text)).toEqual(typed);
});

test.each([['hello'], [''], ['True'], ['007'], ['+1'], ['-0'], ['1.50'], ['1.0'], ['1e21'], ['.5'], ['9223372036854775808'], ['NaN'], ['+Inf'], ['[1,2,3]'], ['AAEC+v8='], [' 42']])(
  '%j stays a string: no typed value prints back to it',
  (text) => {
    expect(typedValue(text)).toEqual({ type: 'string', value: text });
  },
);
