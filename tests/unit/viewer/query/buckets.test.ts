import { anomalyBucketFor, bucketFor } from '../../../../viewer/query/buckets';

const range = (seconds: number): { startNs: bigint; endNs: bigint } => ({ startNs: 0n, endNs: BigInt(seconds) * 1_000_000_000n });

test.each([
  [15 * 60, 30],
  [3600, 60],
  [24 * 3600, 1800],
  [7 * 86_400, 3 * 3600],
])('a %d s range gets %d s buckets', (seconds, bucket) => {
  expect(bucketFor({ startNs: 0n, endNs: BigInt(seconds) * 1_000_000_000n })).toBe(bucket);
});

test('charts keep to about 60 points, and a range beyond the ladder gets day buckets', () => {
  expect(bucketFor(range(600))).toBe(10);
  expect(bucketFor(range(601))).toBe(30);
  expect(bucketFor(range(31 * 86_400))).toBe(86_400);
  expect(bucketFor(range(120 * 86_400))).toBe(86_400);
});

test.each([
  [3600, 60],
  [4 * 3600, 60],
  [4 * 3600 + 60, 300],
  [24 * 3600, 900],
  [7 * 86_400, 3600],
  [31 * 86_400, 3600],
])('anomalies: a %d s range gets %d s buckets, at most about 240 of them', (seconds, bucket) => {
  expect(anomalyBucketFor(range(seconds))).toBe(bucket);
});
