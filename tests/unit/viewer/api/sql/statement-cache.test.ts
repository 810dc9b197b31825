import { StatementCache } from '../../../../../viewer/api/sql/statement-cache';

describe('StatementCache', () => {
  test('gives back what was stored under the exact text, and nothing for another text', () => {
    const cache = new StatementCache<number>(10, 1000);
    cache.set('SELECT 1', 1);
    expect(cache.get('SELECT 1')).toBe(1);
    expect(cache.get('SELECT 1 ')).toBeUndefined();
    expect(cache.get('select 1')).toBeUndefined();
  });

  test('past its entries, the least recently used goes first', () => {
    const cache = new StatementCache<number>(2, 1000);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, undefined, 3]);
    expect(cache.size).toBe(2);
  });

  test('past its characters, old entries go until the new one fits; a text longer than all of them is not kept', () => {
    const cache = new StatementCache<number>(10, 10);
    cache.set('aaaa', 1);
    cache.set('bbbb', 2);
    cache.set('cccc', 3);
    expect([cache.get('aaaa'), cache.get('bbbb'), cache.get('cccc')]).toEqual([undefined, 2, 3]);
    cache.set('x'.repeat(11), 4);
    expect(cache.get('x'.repeat(11))).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  test('storing a text again replaces its value without counting it twice', () => {
    const cache = new StatementCache<number>(10, 8);
    cache.set('abcd', 1);
    cache.set('abcd', 2);
    cache.set('efgh', 3);
    expect([cache.get('abcd'), cache.get('efgh')]).toEqual([2, 3]);
  });
});
