import { describe, expect, it } from 'vitest';
import { AsyncPool, Fifo } from '../../../infra/local/delivery';

describe('Fifo', () => {
  it('gives values back in the order they came, and nothing when empty', () => {
    const q = new Fifo<number>();
    expect(q.shift()).toBeUndefined();
    for (let i = 0; i < 5; i++) q.push(i);
    expect([q.shift(), q.shift()]).toEqual([0, 1]);
    q.push(5);
    expect(q.length).toBe(4);
    expect([q.shift(), q.shift(), q.shift(), q.shift(), q.shift()]).toEqual([2, 3, 4, 5, undefined]);
    expect(q.length).toBe(0);
    q.push(6);
    expect(q.shift()).toBe(6);
  });
});

describe('AsyncPool', () => {
  it('runs at most `limit` at once and starts the waiting work first in, first out', async () => {
    const pool = new AsyncPool(2);
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const runs = Array.from({ length: 6 }, (_, i) =>
      pool.run(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await new Promise<void>((r) => releases.push(r));
        running--;
        return i;
      }),
    );
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    expect(pool.queued).toBe(4);
    while (releases.length) {
      releases.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
    expect(pool.queued).toBe(0);
  });
});
