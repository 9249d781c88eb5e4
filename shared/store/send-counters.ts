/**
 * The tenant's send limits, enforced atomically at send time: at most `perMinute` workflow emails to contacts in any
 * minute, and at most `perRepPerDay` on behalf of one rep in a local day. Both counters live in one item per local
 * day, so one conditional UpdateItem checks and takes both at once (no race between invocations, one write per
 * email). What a limit refuses is deferred by the caller to a slot from `ticket()`, which hands out consecutive
 * numbers per bucket so deferred mail is spread at the rate instead of retried all at once.
 *
 *   send counters of a local day      pk=SENDS#<YYYY-MM-DD>   sk=COUNTERS   (m#<HH:MM>, r#<rep>, t#<bucket>)
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { localTime } from '../workflows/calendar';
import type { Reservation, SendCountersPort } from '../workflows/ports';
import { ttlFrom } from './table-design';

export interface SendLimits {
  perMinute: number;
  perRepPerDay: number;
}

export type { Reservation } from '../workflows/ports';

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

export class SendCounters implements SendCountersPort {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly limits: SendLimits,
    private readonly timeZone: string,
  ) {}

  private slot(at: Date) {
    const t = localTime(at, this.timeZone);
    return { key: { pk: `SENDS#${t.date}`, sk: 'COUNTERS' }, minute: `m#${hhmm(t.minutes)}`, date: t.date };
  }

  /** Takes one send from the minute's and the rep's budget, or says which limit is reached (taking nothing). */
  async reserve(at: Date, rep: string | undefined): Promise<Reservation> {
    const { key, minute } = this.slot(at);
    const names: Record<string, string> = { '#m': minute };
    const values: Record<string, unknown> = {
      ':one': 1,
      ':rate': this.limits.perMinute,
      ':ttl': ttlFrom(at, 3),
    };
    let update = 'ADD #m :one';
    let condition = '(attribute_not_exists(#m) OR #m < :rate)';
    if (rep) {
      names['#r'] = `r#${rep}`;
      values[':cap'] = this.limits.perRepPerDay;
      update += ', #r :one';
      condition += ' AND (attribute_not_exists(#r) OR #r < :cap)';
    }
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `${update} SET expiresAt = :ttl`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return { ok: true };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
    // Which one? A read tells (the refusal took nothing, so a stale answer only changes the deferral's length).
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    const repCount = rep ? Number(out.Item?.[`r#${rep}`] ?? 0) : 0;
    return { ok: false, limit: rep && repCount >= this.limits.perRepPerDay ? 'rep' : 'rate' };
  }

  /** Gives a reservation back (the send turned out to be a duplicate and did not happen). */
  async release(at: Date, rep: string | undefined): Promise<void> {
    const { key, minute } = this.slot(at);
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: rep ? 'ADD #m :minus, #r :minus' : 'ADD #m :minus',
        ExpressionAttributeNames: rep ? { '#m': minute, '#r': `r#${rep}` } : { '#m': minute },
        ExpressionAttributeValues: { ':minus': -1 },
      }),
    );
  }

  /** 1, 2, 3 … per bucket and local day: the deferred email's place in the queue. */
  async ticket(at: Date, bucket: string): Promise<number> {
    const { key } = this.slot(at);
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'ADD #t :one SET expiresAt = :ttl',
        ExpressionAttributeNames: { '#t': `t#${bucket}` },
        ExpressionAttributeValues: { ':one': 1, ':ttl': ttlFrom(at, 3) },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.[`t#${bucket}`] ?? 1);
  }

  get perMinute(): number {
    return this.limits.perMinute;
  }
}
