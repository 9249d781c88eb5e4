/**
 * The ledger's protocol for effects whose provider is idempotent by the effect's key (`Ledger.runIdempotent`: a
 * one-time schedule named after the step key, an enrolment put under its key): no claim, the call, then one
 * record. Run against the in-memory and the DynamoDB effect stores by ports-contract.int.test.ts, like the claim
 * protocol's contract (port-contracts.ts).
 *
 * The provider here is a scheduler with the service's contract: a name that exists is not created again.
 */
import { describe, expect, it } from 'vitest';
import {
  EFFECT_LEASE_MS,
  type Effect,
  type EffectStore,
  Ledger,
  type Performers,
} from '../../shared/effects/protocol';
import { RetryLaterError } from '../../shared/errors';
import type { OneTimeSchedule } from '../../shared/ports';
import { deferred, TestClock } from './local-aws';

let seq = 0;

/** A follow-up's one-time schedule, under a step key of its own. */
const scheduleEffect = (label: string): Effect & { payload: { schedule: OneTimeSchedule } } => {
  const key = `demo/sequence/lead-nurture@1/step-2/lead/${label}-${++seq}-${process.pid}/2026-Q1#schedule`;
  return {
    key,
    correlationId: `corr-${label}`,
    payload: {
      kind: 'schedule',
      schedule: { name: `qf-wf-${label}-${seq}`, at: '2026-03-04T01:00:00.000Z', payload: { key } },
    },
  };
};

/** One Scheduler service: every call is counted, a schedule is created once per name. */
const scheduler = () => {
  const created = new Map<string, OneTimeSchedule>();
  let calls = 0;
  const performers: Performers = {
    email: async () => {
      throw new Error('no email in these tests');
    },
    schedule: async ({ schedule }) => {
      calls++;
      if (!created.has(schedule.name)) created.set(schedule.name, schedule);
      return schedule.name;
    },
  };
  return { created, calls: () => calls, performers };
};

export const idempotentEffectContract = (makeStore: () => EffectStore) => {
  describe('ledger protocol: effects idempotent at the provider', () => {
    it('calls the provider once and records it as done; a duplicate reads the record and calls nothing', async () => {
      const store = makeStore();
      const s = scheduler();
      const ledger = new Ledger(store, s.performers, () => new Date('2026-03-02T01:00:00.000Z'));
      const e = scheduleEffect('once');
      expect(await ledger.runIdempotent(e)).toEqual({
        outcome: 'performed',
        result: e.payload.schedule.name,
      });
      expect(await ledger.runIdempotent(e)).toEqual({
        outcome: 'duplicate',
        result: e.payload.schedule.name,
      });
      expect(await ledger.run(e)).toEqual({ outcome: 'duplicate', result: e.payload.schedule.name });
      expect(s.calls()).toBe(1);
      expect(await ledger.state(e.key)).toMatchObject({ status: 'done', attempts: 1 });
    });

    it('recovers a crash after the call and before the record: nothing is pending, the retry calls again and records once', async () => {
      const store = makeStore();
      const s = scheduler();
      const clock = new TestClock('2022-01-01T00:00:00.000Z');
      const e = scheduleEffect('crash-after-call');
      // The process that dies once the provider has the schedule, before the ledger hears back.
      const called = deferred();
      const dying: Performers = {
        ...s.performers,
        schedule: async (p) => {
          await s.performers.schedule(p);
          called.resolve();
          return new Promise<string>(() => undefined);
        },
      };
      void new Ledger(store, dying, clock.now).runIdempotent(e);
      await called.promise;
      expect(await store.read(e.key)).toBeUndefined();
      clock.advanceBy(EFFECT_LEASE_MS + 1);
      const next = new Ledger(store, s.performers, clock.now);
      // The sweep has nothing to complete: the schedule exists already.
      expect((await next.expiredPending(1000)).map((p) => p.key)).not.toContain(e.key);
      // The event's retry: the provider answers "exists", and the ledger records the schedule once.
      expect(await next.runIdempotent(e)).toEqual({ outcome: 'performed', result: e.payload.schedule.name });
      expect(await next.runIdempotent(e)).toMatchObject({ outcome: 'duplicate' });
      expect(s.calls()).toBe(2);
      expect([...s.created.keys()]).toEqual([e.payload.schedule.name]);
    });

    it('records nothing when the call fails, so the retry makes it', async () => {
      const store = makeStore();
      const s = scheduler();
      let down = true;
      const flaky: Performers = {
        ...s.performers,
        schedule: async (p) => {
          if (down) throw new Error('Scheduler unavailable (test)');
          return s.performers.schedule(p);
        },
      };
      const ledger = new Ledger(store, flaky, () => new Date('2026-03-02T01:00:00.000Z'));
      const e = scheduleEffect('provider-down');
      await expect(ledger.runIdempotent(e)).rejects.toThrow('Scheduler unavailable (test)');
      expect(await store.read(e.key)).toBeUndefined();
      down = false;
      expect(await ledger.runIdempotent(e)).toMatchObject({ outcome: 'performed' });
      expect(s.created.size).toBe(1);
    });

    it('has the effect once when two invocations run it at the same time; one records it, the other is a duplicate', async () => {
      const store = makeStore();
      const s = scheduler();
      const now = () => new Date('2026-03-02T01:00:00.000Z');
      const e = scheduleEffect('concurrent');
      const outcomes = await Promise.all([
        new Ledger(store, s.performers, now).runIdempotent(e),
        new Ledger(store, s.performers, now).runIdempotent(e),
      ]);
      expect(s.created.size).toBe(1);
      expect(outcomes.map((o) => o.outcome).sort()).toEqual(['duplicate', 'performed']);
      expect(outcomes.every((o) => o.result === e.payload.schedule.name)).toBe(true);
      expect(await store.read(e.key)).toMatchObject({ status: 'done', attempts: 1 });
    });

    it('leaves a key claimed through run to the claim protocol: a live lease is waited for, an expired one taken over', async () => {
      const store = makeStore();
      const s = scheduler();
      const clock = new TestClock('2023-01-01T00:00:00.000Z');
      const e = scheduleEffect('claimed');
      const claimed = deferred();
      const hang: Performers = {
        ...s.performers,
        schedule: () => {
          claimed.resolve();
          return new Promise<string>(() => undefined);
        },
      };
      void new Ledger(store, hang, clock.now).run(e);
      await claimed.promise;
      const next = new Ledger(store, s.performers, clock.now);
      await expect(next.runIdempotent(e)).rejects.toBeInstanceOf(RetryLaterError);
      clock.advanceBy(EFFECT_LEASE_MS + 1);
      expect(await next.runIdempotent(e)).toMatchObject({ outcome: 'performed' });
      expect(await next.state(e.key)).toMatchObject({ status: 'done', attempts: 2 });
      expect((await next.expiredPending(1000)).map((p) => p.key)).not.toContain(e.key);
      expect(s.created.size).toBe(1);
    });

    it('never calls the provider for a key settled as skipped', async () => {
      const store = makeStore();
      const s = scheduler();
      const ledger = new Ledger(store, s.performers, () => new Date('2026-03-02T01:00:00.000Z'));
      const e = scheduleEffect('settled');
      await ledger.settle(e.key, 'skipped: the enrolment has stopped', e.correlationId);
      expect(await ledger.runIdempotent(e)).toEqual({
        outcome: 'duplicate',
        result: 'skipped: the enrolment has stopped',
      });
      expect(s.calls()).toBe(0);
    });
  });
};
