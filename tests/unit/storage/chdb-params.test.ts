import { parameterText, withParamsSet } from '../../../storage/chdb-params';

describe('withParamsSet', () => {
  test('sets each parameter before the statement, in one call, and leaves none to bind', () => {
    const rendered = withParamsSet({ query: 'SELECT {a:String}, {n:UInt32}', query_params: { a: 'x', n: 7 }, format: 'JSONEachRow' });
    expect(rendered).toEqual({ query: "SET param_a = 'x', param_n = '7';\nSELECT {a:String}, {n:UInt32}", query_params: undefined, format: 'JSONEachRow' });
  });

  test('a statement without parameters goes as it is', () => {
    const params = { query: 'SELECT 1', query_params: {} };
    expect(withParamsSet(params)).toBe(params);
    expect(withParamsSet({ query: 'SELECT 1' })).toEqual({ query: 'SELECT 1' });
  });

  test('quotes and backslashes cannot end the literal', () => {
    const { query } = withParamsSet({ query: 'SELECT {v:String}', query_params: { v: "\\'; DROP TABLE t; --" } });
    // The value's text is \\\'; ...; as a literal every backslash and quote is escaped once more.
    expect(query).toBe("SET param_v = '\\\\\\\\\\\\\\'; DROP TABLE t; --';\nSELECT {v:String}");
  });

  test('a parameter name that is not an identifier is refused', () => {
    expect(() => withParamsSet({ query: 'SELECT 1', query_params: { 'a = 1; SET b': 'x' } })).toThrow(/not a plain identifier/);
  });
});

describe('parameterText', () => {
  test.each([
    ['a string, escaped', "a\tb\nc\rd\\e'f\0g", "a\\tb\\nc\\rd\\\\e\\'f\\0g"],
    ['an integer', 42, '42'],
    ['a 64-bit integer as text', '18446744073709551615', '18446744073709551615'],
    ['a bigint', -9223372036854775808n, '-9223372036854775808'],
    ['a float', -1.5, '-1.5'],
    ['NaN and infinities', [NaN, Infinity, -Infinity], '[nan,+inf,-inf]'],
    ['an array of strings, each quoted', ["it's", 'x'], "['it\\'s','x']"],
  ])('%s', (_what, value, text) => {
    expect(parameterText(value)).toBe(text);
  });

  test('other values are refused', () => {
    expect(() => parameterText({ a: 1 })).toThrow(/unsupported/);
  });
});
