import { InflightBudget } from '../../../../collector/receiver/inflight';

function budget(limit: number): { budget: InflightBudget; clock: { now: number } } {
  const clock = { now: 0 };
  return { budget: new InflightBudget(limit, 2000, () => clock.now), clock };
}

describe('InflightBudget', () => {
  test('takes bytes until the limit and gives them back once, however often released', () => {
    const { budget: b } = budget(100);
    const r = b.open(() => undefined);
    expect(r.take(60)).toBe(true);
    expect(r.take(41)).toBe(false);
    expect(r.take(40)).toBe(true);
    expect(b.bytes).toBe(100);
    r.release();
    r.release();
    expect(b.bytes).toBe(0);
    expect(r.take(1)).toBe(false);
  });

  test('a request needing room evicts bodies arriving for longer than the grace, oldest first, and no more than it needs', () => {
    const { budget: b, clock } = budget(100);
    const evicted: string[] = [];
    const first = b.open(() => evicted.push('first'));
    clock.now = 10;
    const second = b.open(() => evicted.push('second'));
    expect(first.take(50)).toBe(true);
    expect(second.take(50)).toBe(true);
    const third = b.open(() => evicted.push('third'));
    // Too recent to evict: refused at once.
    expect(third.take(10)).toBe(false);
    clock.now = 2500;
    expect(third.take(10)).toBe(true);
    expect(evicted).toEqual(['first']);
    expect(b.bytes).toBe(60);
    expect(first.take(1)).toBe(false);
  });

  test('a body that has arrived whole is never evicted', () => {
    const { budget: b, clock } = budget(100);
    const evicted: string[] = [];
    const done = b.open(() => evicted.push('done'));
    expect(done.take(100)).toBe(true);
    done.received();
    clock.now = 10_000;
    expect(b.open(() => undefined).take(1)).toBe(false);
    expect(evicted).toEqual([]);
  });
});
