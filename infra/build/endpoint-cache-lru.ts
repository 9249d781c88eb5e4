/**
 * Stands in for `mnemonist/lru-cache` in Lambda bundles (see bundle-aliases.ts). Its one user there is the DynamoDB
 * client's endpoint-discovery cache (@aws-sdk/endpoint-cache), which the client builds whether or not discovery is
 * on; no function turns discovery on, so the cache stays empty. mnemonist's typed-array LRU brings about 6 KB
 * (with obliterator); this keeps the same behaviour for the methods EndpointCache calls (get, set, has, peek,
 * clear), on a Map whose insertion order is the recency order: hand-written because those few lines are all the
 * bundle needs.
 */
export default class LRUCache<K, V> {
  readonly capacity: number;
  private readonly items = new Map<K, V>();

  constructor(capacity: number) {
    if (!(capacity > 0)) throw new Error('LRUCache: capacity should be a positive number');
    this.capacity = capacity;
  }

  get size(): number {
    return this.items.size;
  }

  clear(): void {
    this.items.clear();
  }

  /** Stores the value as the most recently used, evicting the least recently used when full. */
  set(key: K, value: V): this {
    this.items.delete(key);
    if (this.items.size >= this.capacity) {
      const oldest = this.items.keys().next();
      if (!oldest.done) this.items.delete(oldest.value);
    }
    this.items.set(key, value);
    return this;
  }

  /** The value, now the most recently used. */
  get(key: K): V | undefined {
    if (!this.items.has(key)) return undefined;
    const value = this.items.get(key) as V;
    this.items.delete(key);
    this.items.set(key, value);
    return value;
  }

  /** The value, without changing its recency. */
  peek(key: K): V | undefined {
    return this.items.get(key);
  }

  has(key: K): boolean {
    return this.items.has(key);
  }
}
