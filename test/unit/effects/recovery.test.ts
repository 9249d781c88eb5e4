import { describe, expect, it } from 'vitest';
import { type RecoverableLedger, recoverPendingEffects } from '../../../shared/effects/recovery';
import { DomainError } from '../../../shared/errors';

const payload = { kind: 'schedule', name: 'n', at: '2026-03-02T01:00:00.000Z' } as never;

/** Pending effects by key; `recover` fails for the keys in `failing` (once each), and completes the others. */
const ledger = (keys: string[], failing: Map<string, Error>): RecoverableLedger & { done: string[] } => {
  const pending = new Set(keys);
  const done: string[] = [];
  return {
    done,
    expiredPending: async () =>
      [...pending].map((key) => ({ key, leaseUntil: '2026-03-02T01:00:00.000Z', payload })),
    recover: async (key) => {
      const err = failing.get(key);
      if (err) throw err;
      pending.delete(key);
      done.push(key);
      return true;
    },
  };
};

describe('recovery sweep', () => {
  it('reports each effect it could not recover with its key and its error, and completes the others', async () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:4566');
    const failure = new DomainError('delivery_failed', 'SES refused the message', undefined, { cause });
    const l = ledger(['email#a', 'email#b', 'email#c'], new Map([['email#b', failure]]));
    const failures: { key: string; error: unknown }[] = [];

    const sweep = await recoverPendingEffects(l, {
      onFailure: (key, error) => failures.push({ key, error }),
    });

    expect(sweep).toEqual({ found: 3, recovered: 2, failed: 1 });
    expect(l.done).toEqual(['email#a', 'email#c']);
    expect(failures).toEqual([{ key: 'email#b', error: failure }]);
    expect(failures.map((f) => (f.error as Error).cause)).toEqual([cause]);
  });

  it('tries a failing effect once per sweep, not once per batch', async () => {
    const l = ledger(['email#x'], new Map([['email#x', new Error('boom')]]));
    const failures: string[] = [];

    const sweep = await recoverPendingEffects(l, { maxBatches: 5, onFailure: (key) => failures.push(key) });

    expect(sweep).toEqual({ found: 1, recovered: 0, failed: 1 });
    expect(failures).toEqual(['email#x']);
  });
});
