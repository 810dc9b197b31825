import { formatDuration, formatDurationParam, formatIsoTime, formatShortTime, formatWhen, msOf, nsOfMs } from '../../../../viewer/model/format';

/** Unix milliseconds as the API's nanosecond string. */
const ns = (ms: number): string => String(BigInt(ms) * 1_000_000n);

test.each([
  [850, '850ns'],
  [12_345, '12.3µs'],
  [4_560_000, '4.56ms'],
  [1_230_000_000, '1.23s'],
  [123_000_000_000, '2m 3s'],
])('formatDuration(%d) = %s', (value, text) => {
  expect(formatDuration(value)).toBe(text);
});

describe('formatDuration: one spelling for the UI, the CLI and the TUI', () => {
  test.each([
    [0, '0ns'],
    [1, '1ns'],
    [500, '500ns'],
    [999, '999ns'],
    [1_000, '1µs'],
    [1_500, '1.5µs'],
    [123_456, '123µs'],
    [1_000_000, '1ms'],
    [1_234_567, '1.23ms'],
    [300_000_000, '300ms'],
    [1_000_000_000, '1s'],
    [1_500_000_000, '1.5s'],
    [59_400_000_000, '59.4s'],
    [60_000_000_000, '1m 0s'],
    [3_600_000_000_000, '60m 0s'],
  ])('%d ns is %s', (value, text) => {
    expect(formatDuration(value)).toBe(text);
  });

  test('a value that rounds up to the next unit is written in that unit', () => {
    expect(formatDuration(999.6)).toBe('1µs');
    expect(formatDuration(999_999)).toBe('1ms');
    expect(formatDuration(999_999_600)).toBe('1s');
    expect(formatDuration(59_996_000_000)).toBe('1m 0s');
    expect(formatDuration(119_600_000_000)).toBe('2m 0s');
  });

  test('negative durations (clock skew) keep their sign; no negative zero', () => {
    expect(formatDuration(-500)).toBe('-500ns');
    expect(formatDuration(-1_500)).toBe('-1.5µs');
    expect(formatDuration(-4_560_000)).toBe('-4.56ms');
    expect(formatDuration(-123_000_000_000)).toBe('-2m 3s');
    expect(formatDuration(-0.3)).toBe('0ns');
    expect(formatDuration(-0)).toBe('0ns');
  });

  test('fractions of a nanosecond (axis ticks, halves) round', () => {
    expect(formatDuration(0.4)).toBe('0ns');
    expect(formatDuration(12.5)).toBe('13ns');
  });

  test('NaN and infinities are a dash', () => {
    expect(formatDuration(Number.NaN)).toBe('—');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('—');
    expect(formatDuration(Number.NEGATIVE_INFINITY)).toBe('—');
  });
});

describe('times', () => {
  test('nanosecond strings become milliseconds, rounded down, beyond 2^53 ns', () => {
    expect(msOf('1700000000123999999')).toBe(1_700_000_000_123);
    expect(msOf('0')).toBe(0);
  });

  test("formatWhen: absolute in the user's locale, always on the 24-hour clock, plus how long ago", () => {
    const at = Date.UTC(2026, 10, 24, 14, 5, 7, 33);
    const utc = { timeZone: 'UTC', nowMs: at + 3 * 60_000 };
    expect(formatWhen(nsOfMs(at), { ...utc, locale: 'en-GB' })).toEqual({ absolute: '24 Nov 2026, 14:05:07.033', relative: '3 minutes ago', text: '24 Nov 2026, 14:05:07.033 (3 minutes ago)' });
    // American English writes 12-hour times by habit; here it gets the same 24-hour clock.
    expect(formatWhen(nsOfMs(at), { ...utc, locale: 'en-US' }).absolute).toBe('Nov 24, 2026, 14:05:07.033');
    expect(formatWhen(nsOfMs(at), { ...utc, locale: 'de-DE' })).toEqual({ absolute: '24. Nov. 2026, 14:05:07,033', relative: 'vor 3 Minuten', text: '24. Nov. 2026, 14:05:07,033 (vor 3 Minuten)' });
    expect(formatWhen(nsOfMs(Date.UTC(2026, 10, 24, 0, 30)), { ...utc, locale: 'en-US' }).absolute).toBe('Nov 24, 2026, 00:30:00.000');
  });

  test('formatWhen picks the largest unit that fits, and says "now" and "yesterday" in words', () => {
    const now = 1_700_000_000_000;
    const rel = (ms: number): string => formatWhen(nsOfMs(now - ms), { nowMs: now, locale: 'en' }).relative;
    expect([rel(0), rel(5_000), rel(2 * 3_600_000), rel(86_400_000), rel(3 * 86_400_000), rel(400 * 86_400_000)]).toEqual([
      'now',
      '5 seconds ago',
      '2 hours ago',
      'yesterday',
      '3 days ago',
      'last year',
    ]);
    expect(rel(-10_000)).toBe('in 10 seconds');
  });

  test('formatIsoTime is ISO 8601 in UTC, for output that scripts read', () => {
    expect(formatIsoTime('1700000000123999999')).toBe('2023-11-14T22:13:20.123Z');
  });

  test('list start times: the time of day today, the date and minute before', () => {
    const now = new Date(2026, 10, 24, 15, 0, 0).getTime();
    expect(formatShortTime(ns(new Date(2026, 10, 24, 10, 45, 16, 333).getTime()), now)).toBe('10:45:16');
    expect(formatShortTime(ns(new Date(2026, 10, 23, 23, 59, 0).getTime()), now)).toBe('2026-11-23 23:59');
  });
});

describe('duration parameters', () => {
  test('a histogram bucket becomes bounds people read, the lower rounded down and the upper up', () => {
    expect(formatDurationParam(268_435_456, 'down')).toBe('268ms');
    expect(formatDurationParam(536_870_912, 'up')).toBe('537ms');
    expect(formatDurationParam(8_589_934_592, 'up')).toBe('8.59s');
    expect(formatDurationParam(8_589_934_592, 'down')).toBe('8.58s');
    expect(formatDurationParam(1_500, 'down')).toBe('1.5us');
    expect(formatDurationParam(512, 'up')).toBe('512ns');
    expect(formatDurationParam(2_000_000, 'up')).toBe('2ms');
  });
});
