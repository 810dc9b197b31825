import { threadPoolSize } from '../../../cmd/thread-pool';

describe('threadPoolSize', () => {
  test("a thread per SQL reader, one for the checker, one per insert, one per query API connection, and libuv's default 4 for the rest", () => {
    expect(threadPoolSize({ sqlMaxConcurrent: 4, insertConcurrency: 2 })).toBe(14);
    expect(threadPoolSize({ sqlMaxConcurrent: 1, insertConcurrency: 1 })).toBe(10);
    expect(threadPoolSize({ sqlMaxConcurrent: 5000, insertConcurrency: 2 })).toBe(1024);
  });
});
