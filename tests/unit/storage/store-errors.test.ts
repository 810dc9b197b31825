import { HindsightError } from '../../../common/errors';
import { classifyStoreError, toStoreError } from '../../../storage/store-errors';

/** What chdb and clickhouse-js raise: an Error with ClickHouse's numeric code as a string. */
function makeClickHouseError(code: string, type: string, message = 'something'): Error {
  return Object.assign(new Error(`${type}: ${message}`), { code, type });
}

/** What chdb's raw insert raises: the code as a number, the name at the end of the engine's message. */
function makeChdbError(code: number, text: string, type: string): Error {
  return Object.assign(new Error(`Code: ${code}. DB::Exception: Code: ${code}. DB::Exception: ${text} (${type}) (version 26.7.2.1). (${type})`), { code: 'CHDB_INSERT', clickhouseCode: code });
}

test.each([
  ['252', 'TOO_MANY_PARTS', 'HS_STORE_UNAVAILABLE', true],
  ['241', 'MEMORY_LIMIT_EXCEEDED', 'HS_STORE_UNAVAILABLE', true],
  ['27', 'CANNOT_PARSE_INPUT_ASSERTION_FAILED', 'HS_STORE_REJECTED', false],
  ['243', 'NOT_ENOUGH_SPACE', 'HS_STORE_FULL', true],
])('ClickHouse error %s (%s) is %s', (code, type, expected, retryable) => {
  const error = toStoreError(makeClickHouseError(code, type));
  expect(error.code).toBe(expected);
  expect(error.retryable).toBe(retryable);
  expect(error.message).toContain(`ClickHouse error ${code} (${type})`);
});

test.each([
  // The rows' fault: only their request fails, and the store stays up.
  ['rows', makeChdbError(252, 'Too many partitions for single INSERT block (more than 100).', 'TOO_MANY_PARTS'), 'HS_STORE_REJECTED'],
  ['rows', makeClickHouseError('6', 'CANNOT_PARSE_TEXT'), 'HS_STORE_REJECTED'],
  // The store's condition: every write would fail alike.
  ['store', makeChdbError(252, 'Too many parts (3001) in partition. Merges are processing significantly slower than inserts.', 'TOO_MANY_PARTS'), 'HS_STORE_UNAVAILABLE'],
  ['store', makeClickHouseError('242', 'TABLE_IS_READ_ONLY'), 'HS_STORE_UNAVAILABLE'],
  ['store', makeClickHouseError('241', 'MEMORY_LIMIT_EXCEEDED'), 'HS_STORE_UNAVAILABLE'],
  ['store', makeChdbError(243, 'Cannot reserve 1.00 MiB, not enough space.', 'NOT_ENOUGH_SPACE'), 'HS_STORE_FULL'],
  ['store', makeClickHouseError('75', 'CANNOT_WRITE_TO_FILE_DESCRIPTOR', 'Cannot write to file /var/lib/clickhouse/x.bin: No space left on device'), 'HS_STORE_FULL'],
  ['store', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' }), 'HS_STORE_UNAVAILABLE'],
  ['store', Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), 'HS_STORE_FULL'],
  ['store', new HindsightError('HS_STORE_FULL', 'the ingest journal cannot be written: ENOSPC'), 'HS_STORE_FULL'],
  // Neither is certain: a shared insert is retried request by request, the store is not taken down.
  ['unclear', makeClickHouseError('1002', 'UNKNOWN_EXCEPTION'), 'HS_STORE_UNAVAILABLE'],
  ['unclear', new Error('something nobody expected'), 'HS_STORE_REJECTED'],
] as const)('blames the %s: %p is %s', (blame, err, code) => {
  const failure = classifyStoreError(err);
  expect(failure.blame).toBe(blame);
  expect(failure.error.code).toBe(code);
});

test('a full disk is retryable, whichever layer noticed it', () => {
  for (const err of [makeChdbError(243, 'Cannot reserve 1.00 MiB, not enough space.', 'NOT_ENOUGH_SPACE'), Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' })]) {
    const error = toStoreError(err);
    expect([error.code, error.httpStatus, error.retryable, error.retryAfterSeconds]).toEqual(['HS_STORE_FULL', 503, true, 1]);
  }
});
