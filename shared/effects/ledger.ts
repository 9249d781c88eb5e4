/**
 * Exactly-once effects. Every effect (an email, a one-time schedule, later a CRM write) has a deterministic key and
 * is recorded with a conditional write *before* it is performed, carrying everything needed to perform it again:
 *
 *   claim (put if absent, status=pending, lease)  ->  perform  ->  mark done
 *
 * A duplicate delivery finds the record and does nothing. A crash after the claim leaves a pending record whose
 * lease runs out; the next retry, or the recovery sweep, takes it over and performs it. DynamoDB writes per effect:
 * two (claim + done). The one window no ledger can close is a crash after the provider accepted the effect but
 * before "done" was written; SES has no idempotency key, so that window (milliseconds) can repeat one email.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { RetryLaterError } from '../errors';
import type { OneTimeSchedule, OutgoingEmail } from '../ports';
import type { Enrolment } from '../store/enrolments';
import { keys, TABLE, ttlFrom } from '../store/table-design';
import type { CrmActivityInput } from '../sync/crm-writer';

export type EffectPayload =
  | { kind: 'email'; email: OutgoingEmail }
  | { kind: 'schedule'; schedule: OneTimeSchedule }
  /** A task, note or call log written back to the CRM. */
  | { kind: 'crm_activity'; activity: CrmActivityInput }
  /** A message to an allow-listed chat webhook (Feishu, DingTalk, WeCom, Slack), body already in its format. */
  | { kind: 'chat'; url: string; body: Record<string, unknown> }
  /** A sequence enrolment: the key is the enrolment key, so claiming it is what enforces re-enrolment rules. */
  | { kind: 'enrol'; enrolment: Omit<Enrolment, 'status' | 'startedAt'> };

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
export const EFFECT_RETENTION_DAYS = 400;

interface EffectItem {
  status: 'pending' | 'done';
  leaseUntil: string;
  attempts: number;
  payload: EffectPayload;
  correlationId: string;
  result?: string;
}

export class EffectLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly performers: Performers,
    private readonly now: () => Date,
  ) {}

  async run(effect: Effect): Promise<EffectOutcome> {
    const claimed = await this.claim(effect);
    if (claimed === 'done') {
      const existing = await this.read(effect.key);
      return { outcome: 'duplicate', ...(existing?.result ? { result: existing.result } : {}) };
    }
    return this.performClaimed(effect.key, effect.payload, claimed.leaseUntil);
  }

  /** Effects whose lease ran out while pending: the recovery sweep completes them. */
  async expiredPending(limit = 100): Promise<{ key: string; leaseUntil: string; payload: EffectPayload }[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: TABLE.gsi1.name,
        KeyConditionExpression: 'gsi1pk = :p AND gsi1sk < :now',
        ExpressionAttributeValues: { ':p': keys.pendingEffects, ':now': this.now().toISOString() },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => ({
      key: String(i.pk).slice('EFFECT#'.length),
      leaseUntil: String(i.leaseUntil),
      payload: i.payload as EffectPayload,
    }));
  }

  /** Takes over one expired pending effect and performs it; false when someone else got there first. */
  async recover(key: string, seenLeaseUntil: string, payload: EffectPayload): Promise<boolean> {
    const leaseUntil = await this.takeOver(key, seenLeaseUntil);
    if (!leaseUntil) return false;
    await this.performClaimed(key, payload, leaseUntil);
    return true;
  }

  private async claim(effect: Effect): Promise<'done' | { leaseUntil: string }> {
    const leaseUntil = new Date(this.now().getTime() + EFFECT_LEASE_MS).toISOString();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.effect(effect.key),
            type: 'effect',
            status: 'pending',
            leaseUntil,
            attempts: 1,
            payload: effect.payload,
            correlationId: effect.correlationId,
            createdAt: this.now().toISOString(),
            gsi1pk: keys.pendingEffects,
            gsi1sk: leaseUntil,
            expiresAt: ttlFrom(this.now(), EFFECT_RETENTION_DAYS),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { leaseUntil };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
    // Someone recorded this effect before us. Done: nothing to do. Pending with a live lease: let it finish.
    const existing = await this.read(effect.key);
    if (!existing || existing.status === 'done') return 'done';
    if (existing.leaseUntil > this.now().toISOString()) {
      throw new RetryLaterError(
        'effect_in_progress',
        `effect ${effect.key} is being performed by another invocation`,
      );
    }
    const taken = await this.takeOver(effect.key, existing.leaseUntil);
    if (!taken)
      throw new RetryLaterError(
        'effect_in_progress',
        `effect ${effect.key} was just taken over by another invocation`,
      );
    return { leaseUntil: taken };
  }

  private async takeOver(key: string, seenLeaseUntil: string): Promise<string | undefined> {
    const leaseUntil = new Date(this.now().getTime() + EFFECT_LEASE_MS).toISOString();
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.effect(key),
          UpdateExpression: 'SET leaseUntil = :lease, gsi1sk = :lease ADD attempts :one',
          ConditionExpression: '#s = :pending AND leaseUntil = :seen',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':lease': leaseUntil,
            ':one': 1,
            ':pending': 'pending',
            ':seen': seenLeaseUntil,
          },
        }),
      );
      return leaseUntil;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
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
      await this.release(key, leaseUntil).catch(() => undefined);
      throw err;
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.effect(key),
        UpdateExpression: 'SET #s = :done, #r = :result, doneAt = :now REMOVE gsi1pk, gsi1sk',
        ExpressionAttributeNames: { '#s': 'status', '#r': 'result' },
        ExpressionAttributeValues: { ':done': 'done', ':result': result, ':now': this.now().toISOString() },
      }),
    );
    return { outcome: 'performed', result };
  }

  private perform(payload: EffectPayload): Promise<string> {
    const performer = this.performers[payload.kind] as Performer<typeof payload.kind> | undefined;
    if (!performer) throw new Error(`no performer for ${payload.kind} effects in this function`);
    return performer(payload as never);
  }

  /**
   * Records an effect as settled without performing anything: a step skipped for a stated reason, or one that
   * failed for good (a template that does not render). Later runs of the key see it as done; explain shows why.
   */
  async settle(key: string, result: string, correlationId: string): Promise<{ settled: boolean }> {
    const now = this.now();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.effect(key),
            type: 'effect',
            status: 'done',
            result,
            attempts: 0,
            correlationId,
            createdAt: now.toISOString(),
            doneAt: now.toISOString(),
            expiresAt: ttlFrom(now, EFFECT_RETENTION_DAYS),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { settled: true };
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return { settled: false };
      throw err;
    }
  }

  /** The recorded state of one effect (explain, tests). */
  async state(key: string): Promise<Pick<EffectItem, 'status' | 'result' | 'attempts'> | undefined> {
    return this.read(key);
  }

  private async release(key: string, leaseUntil: string): Promise<void> {
    const past = new Date(this.now().getTime() - 1).toISOString();
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.effect(key),
        UpdateExpression: 'SET leaseUntil = :past, gsi1sk = :past',
        ConditionExpression: 'leaseUntil = :mine',
        ExpressionAttributeValues: { ':past': past, ':mine': leaseUntil },
      }),
    );
  }

  /** The effect was performed already: a scheduled run can skip the work of building it again. */
  async isDone(key: string): Promise<boolean> {
    return (await this.read(key))?.status === 'done';
  }

  private async read(key: string): Promise<EffectItem | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.effect(key), ConsistentRead: true }),
    );
    return out.Item as EffectItem | undefined;
  }
}
