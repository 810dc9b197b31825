import { connectionCap, openFileLimit } from '../../../common/connections';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

describe('openFileLimit', () => {
  test('reads the soft limit from /proc/self/limits', () => {
    expect(openFileLimit(() => LIMITS)).toBe(1024);
    expect(openFileLimit(() => LIMITS.replace('1024   ', 'unlimited'))).toBe(Number.MAX_SAFE_INTEGER);
  });

  test('falls back to 1024 where there is no /proc', () => {
    expect(
      openFileLimit(() => {
        throw new Error('ENOENT');
      }),
    ).toBe(1024);
    expect(openFileLimit(() => 'nothing useful')).toBe(1024);
  });

  test('this process has a readable limit', () => {
    expect(openFileLimit()).toBeGreaterThan(0);
  });
});

describe('connectionCap', () => {
  test.each([
    [1024, 170],
    [4096, 682],
    [65_536, 10_922],
    [1_048_576, 174_762],
  ])('gives connections half of a %i-file limit over three ports: %i each', (limit, cap) => {
    expect(connectionCap({ maxConnections: 0 }, limit)).toBe(cap);
  });

  test('--max-connections wins', () => {
    expect(connectionCap({ maxConnections: 50 }, 1024)).toBe(50);
  });
});
