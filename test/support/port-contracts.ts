/**
 * Contract suites for the workflow engine's stores: what every implementation of the effect store, the enrolments
 * and the send counters must do, and the ledger's exactly-once protocol over an effect store. Run against the
 * in-memory implementations (test/support/memory-ports.ts) and the DynamoDB ones on dynalite
 * (test/integration/workflows/ports-contract.int.test.ts), so the unit tests on memory prove what the table does.
 *
 * Implementations may share one table across tests: every test uses keys, records and local days of its own.
 */
import { describe, expect, it } from 'vitest';
import {
  EFFECT_LEASE_MS,
  type Effect,
  type EffectStore,
  Ledger,
  type Performers,
} from '../../shared/effects/protocol';
import { recoverPendingEffects } from '../../shared/effects/recovery';
import { RetryLaterError } from '../../shared/errors';
import type { SendLimits } from '../../shared/store/send-counters';
import type { EnrolmentsPort, NewEnrolment, SendCountersPort } from '../../shared/workflows/ports';
import { deferred, TestClock } from './local-aws';

let seq = 0;
const unique = (label: string) => `${label}-${++seq}-${process.pid}`;

/** A sequence email to a contact, under a key of its own. */
const mailEffect = (label: string): Effect => {
  const text = `王芳，您好：${label}`;
  return {
    key: unique(`new-lead-nurture/v1/steps[0]/${label}`),
    correlationId: `corr-${label}`,
    payload: {
      kind: 'email',
      email: {
        kind: 'workflow',
        from: '示例科技 <noreply@demo.example>',
        to: ['wang.fang@example.cn'],
        subject: label,
        text,
        html: `<p>${text}</p>`,
      },
    },
  };
};

const T0 = '2026-03-02T01:00:00.000Z';
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

export const effectStoreContract = (make: () => EffectStore) => {
  describe('effect store', () => {
    it('records a claim once: pending, one attempt, the payload and the lease', async () => {
      const store = make();
      const e = mailEffect('claim');
      expect(await store.claim(e, plus(T0, EFFECT_LEASE_MS), new Date(T0))).toBe(true);
      expect(await store.claim(e, plus(T0, 2 * EFFECT_LEASE_MS), new Date(T0))).toBe(false);
      expect(await store.read(e.key)).toMatchObject({
        status: 'pending',
        attempts: 1,
        leaseUntil: plus(T0, EFFECT_LEASE_MS),
        payload: e.payload,
        correlationId: e.correlationId,
      });
    });

    it('settles a key once, as done with no attempt; a claim after it finds it', async () => {
      const store = make();
      const e = mailEffect('settle');
      expect(await store.settle(e.key, 'skipped: unsubscribed', e.correlationId, new Date(T0))).toBe(true);
      expect(await store.settle(e.key, 'skipped: again', e.correlationId, new Date(T0))).toBe(false);
      expect(await store.claim(e, plus(T0, EFFECT_LEASE_MS), new Date(T0))).toBe(false);
      expect(await store.read(e.key)).toMatchObject({
        status: 'done',
        result: 'skipped: unsubscribed',
        attempts: 0,
      });
    });

    it('records a call made without a claim once: done, one attempt, never pending; claims and settles find it', async () => {
      const store = make();
      const e = mailEffect('performed');
      expect(await store.recordPerformed(e.key, 'qf-wf-1', e.correlationId, new Date(T0))).toBe(true);
      expect(await store.recordPerformed(e.key, 'qf-wf-2', e.correlationId, new Date(T0))).toBe(false);
      expect(await store.claim(e, plus(T0, EFFECT_LEASE_MS), new Date(T0))).toBe(false);
      expect(await store.settle(e.key, 'skipped: later', e.correlationId, new Date(T0))).toBe(false);
      expect(await store.read(e.key)).toMatchObject({
        status: 'done',
        result: 'qf-wf-1',
        attempts: 1,
        correlationId: e.correlationId,
      });
      const pending = await store.expiredPending(new Date('2100-01-01T00:00:00.000Z'), 1000);
      expect(pending.map((p) => p.key)).not.toContain(e.key);
    });

    it('takes over a lease only from the holder it saw, while pending, counting the attempt', async () => {
      const store = make();
      const e = mailEffect('takeover');
      const first = plus(T0, EFFECT_LEASE_MS);
      const second = plus(T0, 3 * EFFECT_LEASE_MS);
      await store.claim(e, first, new Date(T0));
      expect(await store.takeOver(e.key, plus(T0, 1), second)).toBe(false);
      expect(await store.takeOver(e.key, first, second)).toBe(true);
      expect(await store.takeOver(e.key, first, plus(T0, 4 * EFFECT_LEASE_MS))).toBe(false);
      expect(await store.read(e.key)).toMatchObject({ status: 'pending', attempts: 2, leaseUntil: second });
      await store.markDone(e.key, 'msg-1', new Date(second));
      expect(await store.takeOver(e.key, second, plus(T0, 5 * EFFECT_LEASE_MS))).toBe(false);
      expect(await store.read(e.key)).toMatchObject({ status: 'done', result: 'msg-1', attempts: 2 });
    });

    it('releases a lease only while it is still the one released', async () => {
      const store = make();
      const e = mailEffect('release');
      const lease = plus(T0, EFFECT_LEASE_MS);
      await store.claim(e, lease, new Date(T0));
      expect(await store.release(e.key, plus(T0, 7), T0)).toBe(false);
      expect(await store.release(e.key, lease, T0)).toBe(true);
      expect((await store.read(e.key))?.leaseUntil).toBe(T0);
    });

    it('lists pending effects whose lease ran out, earliest first, up to the limit; done ones leave', async () => {
      const store = make();
      // Leases in 2020, before any other test's, so a shared table shows only these.
      const base = '2020-01-01T00:00:00.000Z';
      const [a, b, c, live] = ['a', 'b', 'c', 'live'].map((l) => mailEffect(`expired-${l}`)) as Effect[] &
        [Effect, Effect, Effect, Effect];
      await store.claim(b, plus(base, 2_000), new Date(base));
      await store.claim(a, plus(base, 1_000), new Date(base));
      await store.claim(c, plus(base, 3_000), new Date(base));
      await store.claim(live, plus(base, 60_000), new Date(base));
      const now = new Date(plus(base, 10_000));
      expect((await store.expiredPending(now, 10)).map((p) => p.key)).toEqual([a.key, b.key, c.key]);
      expect(await store.expiredPending(now, 2)).toEqual([
        { key: a.key, leaseUntil: plus(base, 1_000), payload: a.payload },
        { key: b.key, leaseUntil: plus(base, 2_000), payload: b.payload },
      ]);
      await store.markDone(a.key, 'msg', now);
      expect((await store.expiredPending(now, 10)).map((p) => p.key)).toEqual([b.key, c.key]);
      for (const e of [b, c, live]) await store.markDone(e.key, 'msg', now);
    });
  });
};

/** A performer that records each call; `hold` keeps the next call in flight (a process that dies mid-send). */
const performing = () => {
  const calls: string[] = [];
  const performers: Performers = {
    email: async ({ email }) => {
      calls.push(email.subject);
      return `msg-${calls.length}`;
    },
    schedule: async ({ schedule }) => schedule.name,
  };
  return { calls, performers };
};

/**
 * A process that dies after its claim: the performer never returns, so "done" is never written. `claimed` resolves
 * once the claim is recorded (the performer has been called).
 */
const dying = () => {
  const claimed = deferred();
  const hang = () => {
    claimed.resolve();
    return new Promise<string>(() => undefined);
  };
  return { claimed: claimed.promise, performers: { email: hang, schedule: hang } satisfies Performers };
};

export const ledgerContract = (makeStore: () => EffectStore) => {
  describe('ledger protocol: exactly once', () => {
    it('performs a duplicate delivery once, and tells the duplicate the first result', async () => {
      const store = makeStore();
      const { calls, performers } = performing();
      const ledger = new Ledger(store, performers, () => new Date(T0));
      const e = mailEffect('duplicate');
      expect(await ledger.run(e)).toEqual({ outcome: 'performed', result: 'msg-1' });
      expect(await ledger.run(e)).toEqual({ outcome: 'duplicate', result: 'msg-1' });
      expect(calls).toHaveLength(1);
      expect(await ledger.isDone(e.key)).toBe(true);
    });

    it('recovers a crash between claim and done once: a retry waits for the lease, then takes it over', async () => {
      const store = makeStore();
      const clock = new TestClock(T0);
      const e = mailEffect('crash');
      const dead = dying();
      void new Ledger(store, dead.performers, clock.now).run(e);
      await dead.claimed;
      const { calls, performers } = performing();
      const next = new Ledger(store, performers, clock.now);
      await expect(next.run(e)).rejects.toBeInstanceOf(RetryLaterError);
      clock.advanceBy(EFFECT_LEASE_MS + 1);
      expect(await next.run(e)).toEqual({ outcome: 'performed', result: 'msg-1' });
      expect(await next.run(e)).toMatchObject({ outcome: 'duplicate' });
      expect(calls).toHaveLength(1);
      expect(await next.state(e.key)).toMatchObject({ status: 'done', attempts: 2 });
    });

    it('completes an expired claim through the recovery sweep once, even with two sweeps', async () => {
      const store = makeStore();
      const clock = new TestClock('2021-06-01T00:00:00.000Z');
      const e = mailEffect('sweep');
      const dead = dying();
      void new Ledger(store, dead.performers, clock.now).run(e);
      await dead.claimed;
      clock.advanceBy(EFFECT_LEASE_MS + 1);
      const { calls, performers } = performing();
      const sweeper = new Ledger(store, performers, clock.now);
      const mine = (found: { key: string }[]) => found.some((p) => p.key === e.key);
      expect(mine(await sweeper.expiredPending())).toBe(true);
      await Promise.all([recoverPendingEffects(sweeper), recoverPendingEffects(sweeper)]);
      expect(calls).toHaveLength(1);
      expect(mine(await sweeper.expiredPending())).toBe(false);
      expect(await sweeper.run(e)).toMatchObject({ outcome: 'duplicate', result: 'msg-1' });
    });

    it('sends once when two invocations claim the same key at the same time', async () => {
      const store = makeStore();
      const held = deferred<string>();
      let performed = 0;
      const performers: Performers = {
        email: () => {
          performed++;
          return held.promise;
        },
        schedule: async ({ schedule }) => schedule.name,
      };
      const now = () => new Date(T0);
      const e = mailEffect('concurrent');
      const runs = [new Ledger(store, performers, now).run(e), new Ledger(store, performers, now).run(e)];
      const both = Promise.allSettled(runs);
      // The first to finish is the one that lost the claim (the winner's performer is held): then let it send.
      await Promise.race(runs.map((r) => r.catch(() => undefined)));
      held.resolve('msg-once');
      const outcomes = await both;
      expect(performed).toBe(1);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(RetryLaterError);
    });

    it('never performs a key settled as failed for good, however often it is run', async () => {
      const store = makeStore();
      const { calls, performers } = performing();
      const ledger = new Ledger(store, performers, () => new Date(T0));
      const e = mailEffect('failed');
      const reason = 'failed: template hello did not render';
      expect(await ledger.settle(e.key, reason, e.correlationId)).toEqual({ settled: true });
      expect(await ledger.settle(e.key, 'skipped: later', e.correlationId)).toEqual({ settled: false });
      expect(await ledger.run(e)).toEqual({ outcome: 'duplicate', result: reason });
      expect(await ledger.run(e)).toEqual({ outcome: 'duplicate', result: reason });
      expect(calls).toEqual([]);
    });

    it('gives the lease back when the provider fails, so the retry performs at once', async () => {
      const store = makeStore();
      let fail = true;
      const sent: string[] = [];
      const performers: Performers = {
        email: async ({ email }) => {
          if (fail) throw new Error('mail provider unavailable (test)');
          sent.push(email.subject);
          return 'msg-retry';
        },
        schedule: async ({ schedule }) => schedule.name,
      };
      const ledger = new Ledger(store, performers, () => new Date(T0));
      const e = mailEffect('provider-down');
      await expect(ledger.run(e)).rejects.toThrow('mail provider unavailable (test)');
      fail = false;
      expect(await ledger.run(e)).toEqual({ outcome: 'performed', result: 'msg-retry' });
      expect(sent).toHaveLength(1);
    });
  });
};

const enrolment = (over: Partial<NewEnrolment> = {}): NewEnrolment => ({
  object: 'lead',
  recordId: unique('L'),
  sequence: 'nurture',
  version: 1,
  occurrence: 'once',
  workflow: 'welcome',
  ...over,
});

export const enrolmentsContract = (make: (now: () => Date) => EnrolmentsPort) => {
  describe('enrolments', () => {
    const now = () => new Date(T0);

    it('starts an enrolment once, active, its address in lower case', async () => {
      const store = make(now);
      const e = enrolment({ address: ` ${unique('Wang.Fang')}@Example.CN ` });
      expect(await store.start(e)).toEqual({ started: true });
      expect(await store.start({ ...e, version: 2 })).toEqual({ started: false });
      expect(await store.get(e)).toMatchObject({
        ...e,
        address: e.address?.trim().toLowerCase(),
        status: 'active',
        startedAt: T0,
      });
    });

    it('finds a record’s enrolments, an address’s (any case) and an account’s', async () => {
      const store = make(now);
      const address = `${unique('li.lei')}@example.cn`;
      const accountId = unique('ACC');
      const a = enrolment({ address, accountId, sequence: 'a-nurture' });
      const b = enrolment({ recordId: a.recordId, sequence: 'b-onboard', accountId });
      const other = enrolment({ address: address.toUpperCase(), accountId });
      for (const e of [b, a, other]) await store.start(e);
      const ids = (list: { recordId: string; sequence: string }[]) =>
        list.map((e) => `${e.recordId}/${e.sequence}`).sort();
      expect((await store.ofRecord('lead', a.recordId)).map((e) => e.sequence)).toEqual([
        'a-nurture',
        'b-onboard',
      ]);
      expect(ids(await store.ofAddress(address.toUpperCase()))).toEqual(ids([a, other]));
      expect(ids(await store.ofAccount(accountId))).toEqual(ids([a, b, other]));
      expect(await store.ofRecord('lead', unique('nobody'))).toEqual([]);
    });

    it('stops an active enrolment once, keeping the first reason; a missing one is not stopped', async () => {
      const store = make(now);
      const e = enrolment();
      await store.start(e);
      expect(await store.stop(e, 'replied')).toBe(true);
      expect(await store.stop(e, 'unsubscribed')).toBe(false);
      expect(await store.get(e)).toMatchObject({
        status: 'stopped',
        stoppedReason: 'replied',
        stoppedAt: T0,
      });
      expect(await store.stop(enrolment(), 'replied')).toBe(false);
    });
  });
};

/** Each test its own local day (the counters live per day). */
let day = 0;
const dayAt = () => {
  day++;
  const date = new Date(Date.UTC(2027, 0, day)).toISOString().slice(0, 10);
  return (at: string) => new Date(`${date}T${at}:00+08:00`);
};

export const sendCountersContract = (make: (limits: SendLimits, timeZone: string) => SendCountersPort) => {
  describe('send counters', () => {
    const zone = 'Asia/Shanghai';

    it('takes at most perMinute sends in a minute, and the next minute has its own budget', async () => {
      const counters = make({ perMinute: 2, perRepPerDay: 100 }, zone);
      const at = dayAt();
      expect(counters.perMinute).toBe(2);
      expect(await counters.reserve(at('09:00'), undefined)).toEqual({ ok: true });
      expect(await counters.reserve(at('09:00'), 'rep-1')).toEqual({ ok: true });
      expect(await counters.reserve(at('09:00'), 'rep-2')).toEqual({ ok: false, limit: 'rate' });
      expect(await counters.reserve(at('09:01'), 'rep-2')).toEqual({ ok: true });
    });

    it('takes at most perRepPerDay for one rep in a local day; others still send', async () => {
      const counters = make({ perMinute: 100, perRepPerDay: 1 }, zone);
      const at = dayAt();
      expect(await counters.reserve(at('10:00'), 'rep-1')).toEqual({ ok: true });
      expect(await counters.reserve(at('15:30'), 'rep-1')).toEqual({ ok: false, limit: 'rep' });
      expect(await counters.reserve(at('15:30'), 'rep-2')).toEqual({ ok: true });
    });

    it('gives a released reservation back to both budgets', async () => {
      const counters = make({ perMinute: 1, perRepPerDay: 1 }, zone);
      const at = dayAt();
      expect(await counters.reserve(at('11:00'), 'rep-1')).toEqual({ ok: true });
      await counters.release(at('11:00'), 'rep-1');
      expect(await counters.reserve(at('11:00'), 'rep-1')).toEqual({ ok: true });
    });

    it('numbers tickets 1, 2, 3 per bucket', async () => {
      const counters = make({ perMinute: 1, perRepPerDay: 1 }, zone);
      const at = dayAt();
      expect(await counters.ticket(at('12:00'), 'rate@12:00')).toBe(1);
      expect(await counters.ticket(at('12:00'), 'rate@12:00')).toBe(2);
      expect(await counters.ticket(at('12:05'), 'cap@x')).toBe(1);
      expect(await counters.ticket(at('12:10'), 'rate@12:00')).toBe(3);
    });
  });
};
