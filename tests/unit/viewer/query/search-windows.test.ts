import { newestSearchStarts } from '../../../../viewer/query/queries';

const HOUR = 3_600_000_000_000n;
const END = 1_700_000_000_000_000_000n;

test.each([
  ['a day: the last hour, then the day', 24n * HOUR, [END - HOUR, END - 24n * HOUR]],
  ['three hours: the last hour, then the range', 3n * HOUR, [END - HOUR, END - 3n * HOUR]],
  ['an hour: the range alone', HOUR, [END - HOUR]],
  ['fifteen minutes: the range alone', HOUR / 4n, [END - HOUR / 4n]],
])('newest over spans looks back from the end: %s', (_name, length, starts) => {
  const range = { startNs: END - length, endNs: END };
  expect(newestSearchStarts(range)).toEqual(starts);
});
