import { threadPoolSize } from '../../../cmd/thread-pool';

describe('threadPoolSize', () => {
  test("a thread per SQL reader, one for the checker, one per insert, and libuv's default 4 for the rest", () => {
    expect(threadPoolSize({ sqlMaxConcurrent: 4, insertConcurrency: 2 })).toBe(11);
    expect(threadPoolSize({ sqlMaxConcurrent: 1, insertConcurrency: 1 })).toBe(7);
    expect(threadPoolSize({ sqlMaxConcurrent: 5000, insertConcurrency: 2 })).toBe(1024);
  });
});
