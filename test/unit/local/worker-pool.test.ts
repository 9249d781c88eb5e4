import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionSpec } from '../../../functions/manifest';
import { ENV, environmentFor } from '../../../functions/wiring/env-names';
import { LocalClock } from '../../../infra/local/clock';
import { isRetryLater } from '../../../infra/local/delivery';
import { WorkerPool } from '../../../infra/local/workers/pool';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const tenant = readFileSync(join(ROOT, 'tenants', 'demo.json'), 'utf8');
const resources = { [ENV.tenant]: tenant, [ENV.tableName]: 'quotaflow-acme', [ENV.eventBusName]: 'bus' };
const spec = (id: string, entry: string, access: FunctionSpec['access']): FunctionSpec => ({
  id,
  entry: `test/unit/local/fixtures/${entry}`,
  description: id,
  triggers: [],
  access,
});
const specs = [
  spec('probe', 'worker-probe.ts', []),
  spec('granted', 'table-user.ts', ['table']),
  spec('not-granted', 'table-user.ts', ['bus']),
];

describe('local runtime: function workers', () => {
  const clock = new LocalClock({ start: new Date('2026-11-27T02:05:00Z') });
  let pool: WorkerPool;

  beforeAll(async () => {
    pool = new WorkerPool(2, {
      root: ROOT,
      arnPrefix: 'arn:aws:lambda:us-east-1:000000000000:function:quotaflow-acme-',
      specs,
      envs: Object.fromEntries(specs.map((s) => [s.id, environmentFor(s, resources)])),
      clock: clock.shared,
      logFormat: 'json',
    });
    expect(pool.available).toBe(false);
    await pool.ready;
    expect(pool.available).toBe(true);
  }, 60_000);
  afterAll(() => pool.stop());

  it('runs invocations off the main thread, spread over the workers', async () => {
    const where = (await Promise.all(
      Array.from({ length: 6 }, () => pool.invoke('probe', { do: 'where' })),
    )) as { isMainThread: boolean; threadId: number }[];
    expect(where.every((w) => !w.isMainThread)).toBe(true);
    expect(new Set(where.map((w) => w.threadId)).size).toBe(2);
    expect(pool.invocations).toBeGreaterThanOrEqual(6);
  });

  it('gives each function in a worker only the environment of its access rights', async () => {
    expect(await pool.invoke('granted', {})).toEqual({ tenant: 'demo', table: 'quotaflow-acme' });
    await expect(pool.invoke('not-granted', {})).rejects.toThrow(
      'this function was deployed without TABLE_NAME; check its access in functions/manifest.ts',
    );
  });

  it('shares the runtime clock: a move on the main thread is what the functions see next', async () => {
    const before = Date.parse((await pool.invoke('probe', { do: 'clock' })) as string);
    expect(Math.abs(before - clock.now().getTime())).toBeLessThan(5_000);
    clock.advance(new Date('2026-12-04T01:00:00Z'));
    const after = Date.parse((await pool.invoke('probe', { do: 'clock' })) as string);
    expect(after).toBeGreaterThanOrEqual(Date.parse('2026-12-04T01:00:00Z'));
    expect(after - Date.parse('2026-12-04T01:00:00Z')).toBeLessThan(5_000);
  });

  it('keeps an error recognisable across the thread (a retry-later error is parked, not dead-lettered)', async () => {
    const err = await pool.invoke('probe', { do: 'retry-later' }).catch((e: unknown) => e);
    expect(isRetryLater(err)).toBe(true);
    expect((err as Error).message).toBe('another invocation holds the lease');
    await expect(pool.invoke('probe', { do: 'unclonable' })).rejects.toThrow(/could not be cloned/);
  });

  it('fails what a dying worker ran, and a new worker takes its place', async () => {
    await expect(pool.invoke('probe', { do: 'exit' })).rejects.toThrow(
      'the function worker stopped (exit code 3) while this invocation ran',
    );
    for (let i = 0; i < 200 && pool.size < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(pool.size).toBe(2);
    expect(await pool.invoke('granted', {})).toEqual({ tenant: 'demo', table: 'quotaflow-acme' });
  }, 30_000);
});
