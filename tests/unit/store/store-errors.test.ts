import { toStoreError } from '../../../collector/store/store-errors';

/** What chdb and clickhouse-js raise: an Error with ClickHouse's numeric code as a string. */
function makeClickHouseError(code: string, type: string): Error {
  return Object.assign(new Error(`${type}: something`), { code, type });
}

test.each([
  ['252', 'TOO_MANY_PARTS', 'HS_STORE_UNAVAILABLE', true],
  ['241', 'MEMORY_LIMIT_EXCEEDED', 'HS_STORE_UNAVAILABLE', true],
  ['27', 'CANNOT_PARSE_INPUT_ASSERTION_FAILED', 'HS_STORE_REJECTED', false],
])('ClickHouse error %s (%s) is %s', (code, type, expected, retryable) => {
  const error = toStoreError(makeClickHouseError(code, type));
  expect(error.code).toBe(expected);
  expect(error.retryable).toBe(retryable);
  expect(error.message).toContain(`ClickHouse error ${code} (${type})`);
});

test('an unreachable server is retryable', () => {
  const error = toStoreError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' }));
  expect(error.code).toBe('HS_STORE_UNAVAILABLE');
});
