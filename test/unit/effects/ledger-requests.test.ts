/**
 * What the ledger asks of its store per effect: the writes and reads a webhook pays for (the cost model counts them
 * on the DynamoDB client; here they are counted on the store port).
 */
import { describe, expect, it } from 'vitest';
import { type Effect, Ledger } from '../../../shared/effects/protocol';
import { MemoryEffectStore } from '../../support/memory-ports';

const NOW = new Date('2026-03-02T01:00:00.000Z');

/** A memory store that counts each operation called on it. */
const countingStore = () => {
  const store = new MemoryEffectStore();
  const calls: Record<string, number> = {};
  const counted = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function' || typeof name !== 'string') return value;
      return (...args: unknown[]) => {
        calls[name] = (calls[name] ?? 0) + 1;
        return value.apply(target, args);
      };
    },
  });
  return { store: counted, calls };
};

/** A ledger on a counting store whose email performer numbers the messages it sends. */
const countingLedger = () => {
  const { store, calls } = countingStore();
  let sent = 0;
  const ledger = new Ledger(
    store,
    { email: async () => `msg-${++sent}`, schedule: async () => 'unused' },
    () => NOW,
  );
  return { ledger, calls, sent: () => sent };
};

const effect: Effect = {
  key: 'email#run-1#step-1',
  correlationId: 'c-1',
  payload: {
    kind: 'email',
    email: {
      kind: 'workflow',
      from: 'sales@example.com',
      to: ['rep@example.com'],
      subject: 'Won',
      html: '<p>Congratulations</p>',
      text: 'Congratulations',
    },
  },
};

describe('ledger requests per effect', () => {
  it('performs a new effect with one claim and one done mark, and reads nothing', async () => {
    const { ledger, calls } = countingLedger();

    expect(await ledger.run(effect)).toEqual({ outcome: 'performed', result: 'msg-1' });
    expect(calls).toEqual({ claim: 1, markDone: 1 });
  });

  it('answers a duplicate with the failed claim and one read, which gives the first result', async () => {
    const { ledger, calls, sent } = countingLedger();
    await ledger.run(effect);
    for (const k of Object.keys(calls)) delete calls[k];

    expect(await ledger.run(effect)).toEqual({ outcome: 'duplicate', result: 'msg-1' });
    expect(calls).toEqual({ claim: 1, read: 1 });
    expect(sent()).toBe(1);
  });

  it('makes a provider-idempotent effect with one read and one record, and a duplicate with one read', async () => {
    const { store, calls } = countingStore();
    const scheduled: string[] = [];
    const ledger = new Ledger(
      store,
      {
        email: async () => 'unused',
        schedule: async ({ schedule }) => {
          scheduled.push(schedule.name);
          return schedule.name;
        },
      },
      () => NOW,
    );
    const schedule: Effect = {
      key: 'demo/workflow/won-deal-recognition@1/step-4/deal/D-1/evt-1#schedule',
      correlationId: 'c-2',
      payload: {
        kind: 'schedule',
        schedule: { name: 'qf-wf-1', at: '2026-03-09T08:00:00.000Z', payload: {} },
      },
    };

    expect(await ledger.runIdempotent(schedule)).toEqual({ outcome: 'performed', result: 'qf-wf-1' });
    expect(calls).toEqual({ read: 1, recordPerformed: 1 });
    for (const k of Object.keys(calls)) delete calls[k];
    expect(await ledger.runIdempotent(schedule)).toEqual({ outcome: 'duplicate', result: 'qf-wf-1' });
    expect(calls).toEqual({ read: 1 });
    expect(scheduled).toEqual(['qf-wf-1']);
  });
});
