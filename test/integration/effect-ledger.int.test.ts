import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EFFECT_LEASE_MS, type Effect, EffectLedger, type Performers } from '../../shared/effects/ledger';
import { recoverPendingEffects } from '../../shared/effects/recovery';
import { RetryLaterError } from '../../shared/errors';
import type { OutgoingEmail } from '../../shared/ports';
import { keys } from '../../shared/store/table-design';
import {
  countWrites,
  deferred,
  type LocalTable,
  performersFor,
  RecordingMailer,
  RecordingScheduler,
  startLocalTable,
  TestClock,
  type WriteCounter,
} from '../support/local-aws';

let table: LocalTable;
let writes: WriteCounter;

beforeAll(async () => {
  table = await startLocalTable('effects');
  writes = countWrites(table.doc);
});

afterAll(async () => {
  await table?.stop();
});

let seq = 0;
/** A distinct effect key per test, shaped like the won-deal automation's keys. */
const emailEffect = (label: string): Effect & { payload: { kind: 'email'; email: OutgoingEmail } } => ({
  key: `won-deal-recognition/v1/congratulate/${label}-${++seq}`,
  correlationId: `corr-${label}-${seq}`,
  payload: {
    kind: 'email',
    email: {
      kind: 'workflow',
      from: 'Acme Sales <sales@acme.example>',
      to: ['li.lei@acme.example'],
      subject: 'Deal won: Acme renewal',
      html: '<p>Congratulations</p>',
      text: 'Congratulations',
      headers: { 'X-Quotaflow-Tenant': 'acme' },
    },
  },
});

const ledgerWith = (performers: Performers, clock: () => Date = () => new Date()) =>
  new EffectLedger(table.doc, table.tableName, performers, clock);

const stored = async (key: string) =>
  (
    await table.doc.send(
      new GetCommand({ TableName: table.tableName, Key: keys.effect(key), ConsistentRead: true }),
    )
  ).Item;

describe('effect ledger: claim -> perform -> done', () => {
  it('performs the first run once and records it as done with the result', async () => {
    const mailer = new RecordingMailer();
    const ledger = ledgerWith(performersFor(mailer, new RecordingScheduler()));
    const effect = emailEffect('first');
    writes.reset();

    const outcome = await ledger.run(effect);

    expect(outcome).toEqual({ outcome: 'performed', result: 'test-message-1' });
    expect(mailer.sent).toEqual([effect.payload.email]);
    const item = await stored(effect.key);
    expect(item).toMatchObject({
      status: 'done',
      result: 'test-message-1',
      attempts: 1,
      correlationId: effect.correlationId,
      payload: effect.payload,
    });
    // Done effects leave the pending index.
    expect(item?.gsi1pk).toBeUndefined();
    expect(item?.gsi1sk).toBeUndefined();
    // Claim + done: the header comment promises two writes per effect.
    expect(writes.writes).toBeLessThanOrEqual(3);
    expect(writes.byCommand).toEqual({ PutItemCommand: 1, UpdateItemCommand: 1 });
  });

  it('a second run with the same key is a duplicate and never calls the performer', async () => {
    const mailer = new RecordingMailer();
    const ledger = ledgerWith(performersFor(mailer, new RecordingScheduler()));
    const effect = emailEffect('dup');
    expect(await ledger.isDone(effect.key)).toBe(false);
    await ledger.run(effect);
    expect(await ledger.isDone(effect.key)).toBe(true);

    const again = await ledger.run(effect);
    const third = await ledgerWith(performersFor(mailer, new RecordingScheduler())).run(effect);

    expect(again).toEqual({ outcome: 'duplicate', result: 'test-message-1' });
    expect(third).toEqual({ outcome: 'duplicate', result: 'test-message-1' });
    expect(mailer.calls).toBe(1);
  });

  it('schedule effects go through the same ledger and are created once', async () => {
    const scheduler = new RecordingScheduler();
    const ledger = ledgerWith(performersFor(new RecordingMailer(), scheduler));
    const effect: Effect = {
      key: `won-deal-recognition/v1/schedule-check-in/sched-${++seq}`,
      correlationId: 'corr-sched',
      payload: {
        kind: 'schedule',
        schedule: { name: `won-deal-check-in-${seq}`, at: '2026-04-01T01:00:00.000Z', payload: { days: 30 } },
      },
    };
    expect(await ledger.run(effect)).toEqual({ outcome: 'performed', result: `won-deal-check-in-${seq}` });
    expect((await ledger.run(effect)).outcome).toBe('duplicate');
    expect(scheduler.calls).toBe(1);
    expect([...scheduler.scheduled.keys()]).toEqual([`won-deal-check-in-${seq}`]);
  });

  it('two concurrent runs of the same key perform once; the other is told to retry later (or is a duplicate)', async () => {
    const mailer = new RecordingMailer();
    const started = deferred();
    const release = deferred();
    const slow: Performers = {
      ...performersFor(mailer, new RecordingScheduler()),
      email: async ({ email }) => {
        started.resolve();
        await release.promise;
        return (await mailer.send(email)).messageId;
      },
    };
    // Two invocations: separate ledger instances sharing only the table.
    const a = ledgerWith(slow);
    const b = ledgerWith(slow);
    const effect = emailEffect('concurrent');

    const first = a.run(effect);
    await started.promise;
    const second = await b.run(effect).then(
      (v) => ({ ok: true as const, v }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    release.resolve();
    const firstOutcome = await first;

    expect(firstOutcome.outcome).toBe('performed');
    expect(mailer.calls).toBe(1);
    if (second.ok) {
      expect(second.v.outcome).toBe('duplicate');
    } else {
      expect(second.e).toBeInstanceOf(RetryLaterError);
      expect((second.e as RetryLaterError).code).toBe('effect_in_progress');
    }
    // Once the first has finished, the retry the platform makes is a duplicate.
    expect(await b.run(effect)).toEqual({ outcome: 'duplicate', result: 'test-message-1' });
    expect(mailer.calls).toBe(1);
  });

  it('two truly simultaneous runs (no ordering forced) still perform exactly once', async () => {
    const mailer = new RecordingMailer();
    const performers = performersFor(mailer, new RecordingScheduler());
    const effect = emailEffect('race');
    const results = await Promise.allSettled([
      ledgerWith(performers).run(effect),
      ledgerWith(performers).run(effect),
      ledgerWith(performers).run(effect),
    ]);

    expect(mailer.calls).toBe(1);
    const performed = results.filter((r) => r.status === 'fulfilled' && r.value.outcome === 'performed');
    expect(performed).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') {
        expect(r.reason).toBeInstanceOf(RetryLaterError);
        expect((r.reason as RetryLaterError).code).toBe('effect_in_progress');
      } else if (r.value.outcome !== 'performed') {
        expect(r.value.outcome).toBe('duplicate');
      }
    }
  });

  it('a performer that throws gives the lease back: an immediate retry performs, and the email goes out once', async () => {
    const mailer = new RecordingMailer();
    mailer.failNext(1);
    const ledger = ledgerWith(performersFor(mailer, new RecordingScheduler()));
    const effect = emailEffect('throws');

    await expect(ledger.run(effect)).rejects.toThrow('mail provider unavailable (test)');
    const afterFailure = await stored(effect.key);
    expect(afterFailure?.status).toBe('pending');
    expect(String(afterFailure?.leaseUntil) <= new Date().toISOString()).toBe(true);

    // The platform's retry, straight away (no waiting for EFFECT_LEASE_MS).
    const retried = await ledger.run(effect);

    expect(retried).toEqual({ outcome: 'performed', result: 'test-message-1' });
    expect(mailer.calls).toBe(2);
    expect(mailer.sent).toHaveLength(1);
    expect(await stored(effect.key)).toMatchObject({ status: 'done', attempts: 2 });
    expect(await ledger.run(effect)).toMatchObject({ outcome: 'duplicate' });
    expect(mailer.sent).toHaveLength(1);
  });

  it('a live lease held by another invocation is not taken over', async () => {
    const clock = new TestClock();
    const started = deferred();
    const hang: Performers = {
      ...performersFor(new RecordingMailer(), new RecordingScheduler()),
      email: async () => {
        started.resolve();
        return new Promise<string>(() => undefined);
      },
    };
    const effect = emailEffect('live-lease');
    void ledgerWith(hang, clock.now).run(effect);
    await started.promise;

    const mailer = new RecordingMailer();
    const other = ledgerWith(performersFor(mailer, new RecordingScheduler()), clock.now);
    clock.advanceBy(EFFECT_LEASE_MS - 1000);

    await expect(other.run(effect)).rejects.toMatchObject({ code: 'effect_in_progress' });
    expect(await other.expiredPending()).toEqual([]);
    expect(mailer.calls).toBe(0);

    // Once the lease has run out, a retry takes it over and performs it.
    clock.advanceBy(2000);
    expect(await other.run(effect)).toEqual({ outcome: 'performed', result: 'test-message-1' });
    expect(mailer.calls).toBe(1);
    expect(await stored(effect.key)).toMatchObject({ status: 'done', attempts: 2 });
  });
});

describe('effect ledger: crash after the claim, completed by the recovery sweep', () => {
  it('performs the abandoned effect exactly once, marks it done, and leaves nothing pending', async () => {
    const clock = new TestClock('2026-03-02T01:00:00.000Z');
    const mailer = new RecordingMailer();
    const scheduler = new RecordingScheduler();

    // The invocation that "dies": it claims, then never finishes performing (its process is gone). The provider
    // was never reached, so the email must still go out.
    const started = deferred();
    const dying = ledgerWith(
      {
        ...performersFor(mailer, scheduler),
        email: async () => {
          started.resolve();
          return new Promise<string>(() => undefined);
        },
      },
      clock.now,
    );
    const effect = emailEffect('crash');
    writes.reset();
    void dying.run(effect);
    await started.promise;
    expect(await stored(effect.key)).toMatchObject({ status: 'pending', attempts: 1 });

    const sweeper = ledgerWith(performersFor(mailer, scheduler), clock.now);
    // Before the lease runs out the sweep leaves it alone.
    expect(await recoverPendingEffects(sweeper)).toEqual({ found: 0, recovered: 0, failed: 0 });

    clock.advanceBy(EFFECT_LEASE_MS + 1);
    const pending = await sweeper.expiredPending();
    expect(pending.map((p) => p.key)).toEqual([effect.key]);
    expect(pending[0]?.payload).toEqual(effect.payload);

    const sweep = await recoverPendingEffects(sweeper);

    expect(sweep).toEqual({ found: 1, recovered: 1, failed: 0 });
    expect(mailer.sent).toEqual([effect.payload.email]);
    expect(await stored(effect.key)).toMatchObject({ status: 'done', result: 'test-message-1', attempts: 2 });
    expect(await sweeper.expiredPending()).toEqual([]);
    // claim (put) + takeover (update) + done (update): at most three writes for this email, crash included.
    expect(writes.byCommand).toEqual({ PutItemCommand: 1, UpdateItemCommand: 2 });
    expect(writes.writes).toBeLessThanOrEqual(3);

    // A second sweep, and a late retry of the original delivery, change nothing.
    expect(await recoverPendingEffects(sweeper)).toEqual({ found: 0, recovered: 0, failed: 0 });
    expect(await sweeper.run(effect)).toEqual({ outcome: 'duplicate', result: 'test-message-1' });
    expect(mailer.calls).toBe(1);
  });

  it('two sweepers racing for the same expired effect perform it once', async () => {
    const clock = new TestClock('2026-03-03T01:00:00.000Z');
    const mailer = new RecordingMailer();
    const started = deferred();
    const effect = emailEffect('double-sweep');
    void ledgerWith(
      {
        ...performersFor(mailer, new RecordingScheduler()),
        email: async () => {
          started.resolve();
          return new Promise<string>(() => undefined);
        },
      },
      clock.now,
    ).run(effect);
    await started.promise;
    clock.advanceBy(EFFECT_LEASE_MS + 1);

    const a = ledgerWith(performersFor(mailer, new RecordingScheduler()), clock.now);
    const b = ledgerWith(performersFor(mailer, new RecordingScheduler()), clock.now);
    const [seenA, seenB] = await Promise.all([a.expiredPending(), b.expiredPending()]);
    const mine = (list: typeof seenA) => list.filter((p) => p.key === effect.key);
    const [pa] = mine(seenA);
    const [pb] = mine(seenB);
    if (!pa || !pb) throw new Error('both sweepers should see the expired effect');

    const [ra, rb] = await Promise.all([
      a.recover(pa.key, pa.leaseUntil, pa.payload),
      b.recover(pb.key, pb.leaseUntil, pb.payload),
    ]);

    expect([ra, rb].filter(Boolean)).toHaveLength(1);
    expect(mailer.calls).toBe(1);
    expect(await stored(effect.key)).toMatchObject({ status: 'done' });
  });

  it('a recovery whose performer fails leaves the effect pending for the next sweep, which completes it', async () => {
    const clock = new TestClock('2026-03-04T01:00:00.000Z');
    const mailer = new RecordingMailer();
    const started = deferred();
    const effect = emailEffect('sweep-fails');
    void ledgerWith(
      {
        ...performersFor(mailer, new RecordingScheduler()),
        email: async () => {
          started.resolve();
          return new Promise<string>(() => undefined);
        },
      },
      clock.now,
    ).run(effect);
    await started.promise;
    clock.advanceBy(EFFECT_LEASE_MS + 1);

    const sweeper = ledgerWith(performersFor(mailer, new RecordingScheduler()), clock.now);
    mailer.failNext(1);
    const first = await recoverPendingEffects(sweeper);
    expect(first).toMatchObject({ recovered: 0, failed: 1 });
    expect(await stored(effect.key)).toMatchObject({ status: 'pending' });

    clock.advanceBy(1000);
    const second = await recoverPendingEffects(sweeper);
    expect(second).toMatchObject({ recovered: 1, failed: 0 });
    expect(mailer.sent).toHaveLength(1);
    expect(await sweeper.expiredPending()).toEqual([]);
  });
});
