/**
 * The Lambda bundles' stand-in for mnemonist's LRU cache (infra/build/endpoint-cache-lru.ts) answers like the
 * package for any sequence of the calls the DynamoDB client's endpoint cache makes.
 */
import fc from 'fast-check';
import MnemonistLru from 'mnemonist/lru-cache';
import { describe, expect, it } from 'vitest';
import LRUCache from '../../../infra/build/endpoint-cache-lru';

type Op =
  | { op: 'set'; key: string; value: number }
  | { op: 'get' | 'peek' | 'has'; key: string }
  | { op: 'clear' };

const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), key, value: fc.integer() }),
  fc.record({ op: fc.constantFrom('get' as const, 'peek' as const, 'has' as const), key }),
  fc.constant({ op: 'clear' as const }),
);

/** The calls the endpoint cache makes, as both caches have them. */
interface Cache {
  set(key: string, value: number): unknown;
  get(key: string): number | undefined;
  peek(key: string): number | undefined;
  has(key: string): boolean;
  clear(): void;
  readonly size: number;
}

const apply = (cache: Cache, o: Op) => {
  if (o.op === 'set') cache.set(o.key, o.value);
  else if (o.op === 'clear') cache.clear();
  else return [o.op, cache[o.op](o.key), cache.size];
  return [o.op, cache.size];
};

describe('endpoint-cache LRU stand-in', () => {
  it('answers get, peek and has, and evicts, like mnemonist for any sequence of calls', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 60 }), (capacity, ops) => {
        const ours = new LRUCache<string, number>(capacity);
        const theirs = new MnemonistLru<string, number>(capacity);
        for (const o of ops) expect(apply(ours, o)).toEqual(apply(theirs, o));
      }),
    );
  });

  it('keeps a recently read entry and evicts the least recently used one', () => {
    const cache = new LRUCache<string, number>(2);
    cache.set('a', 1).set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
    // peek does not refresh: 'a' was read before 'c' was set, so it goes next.
    expect(cache.peek('a')).toBe(1);
    cache.set('d', 4);
    expect([cache.has('a'), cache.has('c'), cache.has('d')]).toEqual([false, true, true]);
  });

  it('refuses a capacity that is not positive', () => {
    expect(() => new LRUCache(0)).toThrow(/capacity/);
  });
});
