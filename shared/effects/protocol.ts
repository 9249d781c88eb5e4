/**
 * Exactly-once effects. Every effect (an email, a one-time schedule, a CRM write, a chat message, an enrolment) has
 * a deterministic key and is recorded with a conditional write *before* it is performed, carrying everything needed
 * to perform it again:
 *
 *   claim (record if absent, status=pending, lease)  ->  perform  ->  mark done
 *
 * A duplicate delivery finds the record and does nothing. A crash after the claim leaves a pending record whose
 * lease runs out; the next retry, or the recovery sweep, takes it over and performs it. Writes per effect: two
 * (claim + done). The one window no ledger can close is a crash after the provider accepted the effect but before
 * "done" was written; SES has no idempotency key, so that window (milliseconds) can repeat one email.
 *
 * An effect whose provider is itself idempotent by a key we choose needs no claim (`runIdempotent`): a one-time
 * schedule is named after its step key (Scheduler refuses a second schedule of that name) and an enrolment is a
 * conditional put of its key, so making the call twice has the effect once. It is read, performed, then recorded
 * as done: one read and one write, where a claim and a "done" are two writes (and each enters or leaves the pending
 * index, which costs index writes as well). Nothing is pending between the call and the record, so there is
 * nothing for the recovery sweep to complete: a crash after the call leaves the effect made, and the retry reads no
 * record, calls again (the provider answers "exists") and records it; a crash before the call is a crash before any
 * claim, which the retry performs, as it does for every effect the crashed run had not claimed yet.
 *
 * Why each claimed effect keeps an item of its own rather than one item per run of an event (all of the run's claims
 * in one put, each "done" an update of it): DynamoDB bills a write by the size of the item written (1 KB units, the
 * larger of before and after for an update) and the pending index projects the whole item. An email's claim carries
 * its rendered HTML (about 6 KB for the won-deal congratulation), so a run's item would be 7-8 KB and every mark on it
 * would cost as much as the email's claim: the won deal's run would go from 7 writes of about 19 KB to 4 of about
 * 32 KB. Fewer requests, a larger bill.
 *
 * This module is the protocol alone, plain code over a small store port (`EffectStore`): the DynamoDB store
 * (dynamodb-store.ts) implements each of its operations with one conditional request; nothing here knows about AWS.
 */
import { RetryLaterError } from '../errors';
import type { OneTimeSchedule, OutgoingEmail } from '../ports';
import type { CrmActivityInput } from '../sync/crm-writer';
import type { NewEnrolment } from '../workflows/ports';

export type EffectPayload =
  | { kind: 'email'; email: OutgoingEmail }
  | { kind: 'schedule'; schedule: OneTimeSchedule }
  /** A task, note or call log written back to the CRM. */
  | { kind: 'crm_activity'; activity: CrmActivityInput }
  /** A message to an allow-listed chat webhook (Feishu, DingTalk, WeCom, Slack), body already in its format. */
  | { kind: 'chat'; url: string; body: Record<string, unknown> }
  /** A sequence enrolment: the key is the enrolment key, so claiming it is what enforces re-enrolment rules. */
  | { kind: 'enrol'; enrolment: NewEnrolment };

export interface Effect {
  key: string;
  payload: EffectPayload;
  correlationId: string;
}

export type EffectOutcome =
  | { outcome: 'performed'; result: string }
  | { outcome: 'duplicate'; result?: string };

type Performer<K extends EffectPayload['kind']> = (p: Extract<EffectPayload, { kind: K }>) => Promise<string>;

/**
 * Performs each payload kind; returns a short result to record (a message id, a schedule name). Email and schedules
 * are every function's; the others only where a function performs them (a missing one fails that effect loudly).
 */
export type Performers = { email: Performer<'email'>; schedule: Performer<'schedule'> } & {
  [K in Exclude<EffectPayload['kind'], 'email' | 'schedule'>]?: Performer<K>;
};

export const EFFECT_LEASE_MS = 2 * 60 * 1000;

/** What the store keeps of one effect. A settled effect has no lease and no payload. */
export interface EffectRecord {
  status: 'pending' | 'done';
  leaseUntil?: string;
  attempts: number;
  payload?: EffectPayload;
  correlationId: string;
  result?: string;
}

/** An expired pending effect, as the recovery sweep sees it. */
export interface PendingEffect {
  key: string;
  leaseUntil: string;
  payload: EffectPayload;
}

/**
 * The ledger's storage: each operation is one atomic conditional write (or one consistent read), so two processes
 * racing for a key cannot both win. ISO instants compare as strings.
 */
export interface EffectStore {
  /** Records a pending effect (1 attempt) unless the key exists; false when it does. */
  claim(effect: Effect, leaseUntil: string, now: Date): Promise<boolean>;
  /** Records the key as done with `result`, performing nothing (0 attempts), unless it exists; false when it does. */
  settle(key: string, result: string, correlationId: string, now: Date): Promise<boolean>;
  /**
   * Records the key as done with `result` of a call made without a claim (1 attempt, no payload, not pending),
   * unless it exists; false when it does. For providers idempotent by the key (`Ledger.runIdempotent`).
   */
  recordPerformed(key: string, result: string, correlationId: string, now: Date): Promise<boolean>;
  /** The recorded effect, read consistently. */
  read(key: string): Promise<EffectRecord | undefined>;
  /** Moves the lease of a pending effect still holding `seenLeaseUntil` to `leaseUntil`, one attempt more. */
  takeOver(key: string, seenLeaseUntil: string, leaseUntil: string): Promise<boolean>;
  /** Sets the lease to `to` while it is still `mine`; false when someone else holds it now. */
  release(key: string, mine: string, to: string): Promise<boolean>;
  /** Marks the effect done with its result; it leaves the pending effects. */
  markDone(key: string, result: string, now: Date): Promise<void>;
  /** Pending effects whose lease ran out before `now`, earliest lease first, at most `limit`. */
  expiredPending(now: Date, limit: number): Promise<PendingEffect[]>;
}

const duplicateOf = (done: EffectRecord | undefined): EffectOutcome => {
  const result = done?.result;
  return { outcome: 'duplicate', ...(result ? { result } : {}) };
};

/** The claim/lease/settle protocol over any EffectStore (EffectLedger in ledger.ts binds it to DynamoDB). */
export class Ledger {
  constructor(
    private readonly store: EffectStore,
    private readonly performers: Performers,
    private readonly now: () => Date,
  ) {}

  async run(effect: Effect): Promise<EffectOutcome> {
    const claimed = await this.claim(effect);
    if ('done' in claimed) return duplicateOf(claimed.done);
    return this.performClaimed(effect.key, effect.payload, claimed.leaseUntil);
  }

  /**
   * Performs an effect whose provider is idempotent by the effect's key, with no claim before the call (see the
   * header): a consistent read, the call, then one write recording it as done. The read keeps a duplicate delivery
   * from calling the provider at all (a one-time schedule is deleted once it has fired, so a late duplicate would
   * otherwise create it again). A key that is pending (claimed through `run`) is left to the claim protocol.
   */
  async runIdempotent(effect: Effect): Promise<EffectOutcome> {
    const existing = await this.store.read(effect.key);
    if (existing?.status === 'done') return duplicateOf(existing);
    if (existing) return this.run(effect);
    const result = await this.perform(effect.payload);
    if (await this.store.recordPerformed(effect.key, result, effect.correlationId, this.now()))
      return { outcome: 'performed', result };
    // Another invocation made the same call and recorded it first: the provider had the effect once.
    return duplicateOf(await this.store.read(effect.key));
  }

  /** Effects whose lease ran out while pending: the recovery sweep completes them. */
  expiredPending(limit = 100): Promise<PendingEffect[]> {
    return this.store.expiredPending(this.now(), limit);
  }

  /** Takes over one expired pending effect and performs it; false when someone else got there first. */
  async recover(key: string, seenLeaseUntil: string, payload: EffectPayload): Promise<boolean> {
    const leaseUntil = await this.takeOver(key, seenLeaseUntil);
    if (!leaseUntil) return false;
    await this.performClaimed(key, payload, leaseUntil);
    return true;
  }

  /**
   * Records an effect as settled without performing anything: a step skipped for a stated reason, or one that
   * failed for good (a template that does not render). Later runs of the key see it as done; explain shows why.
   */
  async settle(key: string, result: string, correlationId: string): Promise<{ settled: boolean }> {
    return { settled: await this.store.settle(key, result, correlationId, this.now()) };
  }

  /** The recorded state of one effect (explain, tests). */
  async state(key: string): Promise<Pick<EffectRecord, 'status' | 'result' | 'attempts'> | undefined> {
    return this.store.read(key);
  }

  /** The effect was performed already: a scheduled run can skip the work of building it again. */
  async isDone(key: string): Promise<boolean> {
    return (await this.store.read(key))?.status === 'done';
  }

  private lease(): string {
    return new Date(this.now().getTime() + EFFECT_LEASE_MS).toISOString();
  }

  /**
   * Claims the effect, or says it is done already with the record read to find out (so a duplicate costs the failed
   * claim and one read, the record's result included).
   */
  private async claim(effect: Effect): Promise<{ done: EffectRecord | undefined } | { leaseUntil: string }> {
    const leaseUntil = this.lease();
    if (await this.store.claim(effect, leaseUntil, this.now())) return { leaseUntil };
    // Someone recorded this effect before us. Done: nothing to do. Pending with a live lease: let it finish.
    const existing = await this.store.read(effect.key);
    if (!existing || existing.status === 'done') return { done: existing };
    const seen = existing.leaseUntil ?? '';
    if (seen > this.now().toISOString()) {
      throw new RetryLaterError(
        'effect_in_progress',
        `effect ${effect.key} is being performed by another invocation`,
      );
    }
    const taken = await this.takeOver(effect.key, seen);
    if (!taken)
      throw new RetryLaterError(
        'effect_in_progress',
        `effect ${effect.key} was just taken over by another invocation`,
      );
    return { leaseUntil: taken };
  }

  private async takeOver(key: string, seenLeaseUntil: string): Promise<string | undefined> {
    const leaseUntil = this.lease();
    return (await this.store.takeOver(key, seenLeaseUntil, leaseUntil)) ? leaseUntil : undefined;
  }

  private async performClaimed(
    key: string,
    payload: EffectPayload,
    leaseUntil: string,
  ): Promise<EffectOutcome> {
    let result: string;
    try {
      result = await this.perform(payload);
    } catch (err) {
      // Give the lease back at once so the platform's retry can take over without waiting for it to run out.
      const past = new Date(this.now().getTime() - 1).toISOString();
      await this.store.release(key, leaseUntil, past).catch(() => undefined);
      throw err;
    }
    await this.store.markDone(key, result, this.now());
    return { outcome: 'performed', result };
  }

  private perform(payload: EffectPayload): Promise<string> {
    const performer = this.performers[payload.kind] as Performer<typeof payload.kind> | undefined;
    if (!performer) throw new Error(`no performer for ${payload.kind} effects in this function`);
    return performer(payload as never);
  }
}
