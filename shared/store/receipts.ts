/**
 * Webhook receipts: the durable record of an accepted delivery, written with a conditional put keyed by the
 * provider's delivery identity so that a duplicate delivery is recognised and nothing is stored twice.
 *
 * A receipt is stored in a sparse index (gsi1, RECEIPT#unapplied#<shard>, by receivedAt). Sync usually marks a change
 * applied on the record it writes (shared/ingest/applied.ts), which leaves the receipt in the index; only a receipt
 * marked itself leaves it. The recovery sweep reads the index forward from a cursor, once past a grace period, and
 * asks the records which receipts are applied: "stored but never applied" (the receiver died between the put and the
 * publish, or the event was lost) stays cheap to find without a write per receipt.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CanonicalRecord, CrmObject } from '../../events';
import { isExpired, keys, TABLE, ttlFrom } from './table-design';

export const RECEIPT_RETENTION_DAYS = 30;
/**
 * Unapplied receipts are spread over a few index partitions: one Zoho notification can store a thousand receipts
 * at once, more than one index partition takes per second; the sweep reads each shard (a query apiece).
 */
export const UNAPPLIED_SHARDS = 4;

export interface Receipt {
  /** The CRM provider's id (shared/crm/registry.ts). */
  provider: string;
  deliveryId: string;
  object: CrmObject;
  action: 'upsert' | 'delete';
  recordId: string;
  record?: CanonicalRecord;
  correlationId: string;
  receivedAt: string;
  /** Set by sync once the change is in the canonical copy and its domain events are on the bus. */
  appliedAt?: string;
  /** How many times the recovery sweep has published it again. */
  redrives?: number;
}

const shardOf = (provider: string, deliveryId: string): number =>
  createHash('sha256').update(`${provider}#${deliveryId}`).digest().readUInt8(0) % UNAPPLIED_SHARDS;

const unappliedIndexKeys = (r: Pick<Receipt, 'provider' | 'deliveryId'>, at: string) => ({
  gsi1pk: keys.unappliedReceipts(shardOf(r.provider, r.deliveryId)),
  gsi1sk: `${at}#${r.provider}#${r.deliveryId}`,
});

const fromItem = (item: Record<string, unknown>): Receipt => {
  const { pk: _pk, sk: _sk, type: _type, expiresAt: _exp, gsi1pk: _gpk, gsi1sk: _gsk, ...receipt } = item;
  return receipt as unknown as Receipt;
};

/** Where the receipt sweep had read each index shard up to, and where it will have once these are dealt with. */
export interface SweepCursor {
  from: string[];
  to: string[];
}

/** An unapplied receipt as the sweep found it: `seen` is its index position, the sweep's optimistic lock. */
export interface UnappliedReceipt {
  receipt: Receipt;
  seen: string;
}

export class ReceiptRepository {
  /**
   * The sweep cursor this container read or saved last: its next sweep starts there without reading it. Another
   * container may have moved the stored one further; starting behind it only reads a few receipts again.
   */
  private savedCursor: string[] | undefined;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Returns the stored receipt, and whether this call stored it (false: a duplicate delivery). */
  async storeOnce(receipt: Receipt, now: Date): Promise<{ stored: boolean; receipt: Receipt }> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.receipt(receipt.provider, receipt.deliveryId),
            type: 'receipt',
            ...receipt,
            ...unappliedIndexKeys(receipt, receipt.receivedAt),
            expiresAt: ttlFrom(now, RECEIPT_RETENTION_DAYS),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { stored: true, receipt };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const existing = await this.get(receipt.provider, receipt.deliveryId, now, { includeExpired: true });
      return { stored: false, receipt: existing ?? receipt };
    }
  }

  async get(
    provider: string,
    deliveryId: string,
    now: Date,
    opts: { includeExpired?: boolean } = {},
  ): Promise<Receipt | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.receipt(provider, deliveryId),
        ConsistentRead: true,
      }),
    );
    if (!out.Item || (!opts.includeExpired && isExpired(out.Item, now))) return undefined;
    return fromItem(out.Item);
  }

  /** Records that sync applied the change (idempotent); a receipt that no longer exists is left alone. */
  async markApplied(provider: string, deliveryId: string, now: Date): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.receipt(provider, deliveryId),
          UpdateExpression: 'SET appliedAt = if_not_exists(appliedAt, :now) REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':now': now.toISOString() },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  /**
   * Receipts not marked applied whose index time (receivedAt, or the last redrive) lies after the sweep's cursor and
   * before `before`, oldest first, at most `limit` per shard, and the cursor to save once they are dealt with
   * (saveSweepCursor). Reads only the sparse index; whether the record shows one applied is the caller's to ask.
   */
  async unswept(before: Date, limit = 100): Promise<{ found: UnappliedReceipt[]; cursor: SweepCursor }> {
    const from = this.savedCursor ?? (await this.sweepCursor());
    this.savedCursor = from;
    const upTo = before.toISOString();
    const shards = await Promise.all(
      Array.from({ length: UNAPPLIED_SHARDS }, (_, shard) => {
        const after = from[shard];
        return this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: TABLE.gsi1.name,
            KeyConditionExpression: after
              ? 'gsi1pk = :p AND gsi1sk BETWEEN :after AND :before'
              : 'gsi1pk = :p AND gsi1sk < :before',
            ExpressionAttributeValues: {
              ':p': keys.unappliedReceipts(shard),
              ':before': upTo,
              ...(after ? { ':after': after } : {}),
            },
            Limit: limit,
          }),
        );
      }),
    );
    const found: UnappliedReceipt[] = [];
    const cursor = shards.map((out, shard) => {
      // BETWEEN includes the cursor's own item, which the last sweep dealt with.
      const items = (out.Items ?? []).filter((item) => item.gsi1sk !== from[shard]);
      for (const item of items) found.push({ receipt: fromItem(item), seen: String(item.gsi1sk) });
      // A full page moves the cursor to its last item; otherwise everything before `before` is read.
      const last = items.at(-1);
      return out.LastEvaluatedKey && last ? String(last.gsi1sk) : upTo;
    });
    return { found, cursor: { from, to: cursor } };
  }

  /** The index position each shard was swept up to (empty strings: from the start). */
  private async sweepCursor(): Promise<string[]> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.receiptSweep, ConsistentRead: true }),
    );
    const shards = (out.Item?.shards as string[] | undefined) ?? [];
    return Array.from({ length: UNAPPLIED_SHARDS }, (_, i) => shards[i] ?? '');
  }

  /**
   * Saves the cursor unswept returned, once its receipts are redriven or known applied. Written only when a shard
   * had something to read: an idle sweep writes nothing. Two sweeps racing may move it back: the next one reads a
   * few receipts again, whose claims (conditional on their index time) then fail.
   */
  async saveSweepCursor(cursor: SweepCursor, foundAny: boolean): Promise<void> {
    if (!foundAny) return;
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.receiptSweep, type: 'receipt-sweep', shards: cursor.to },
      }),
    );
    this.savedCursor = cursor.to;
  }

  /**
   * Takes one unapplied receipt for a redrive: counts it and moves its index time to `now`, so the next sweep
   * leaves it for another grace period; after `maxRedrives` it leaves the index (sync's DLQ holds the rest).
   * False when it was applied or taken by another sweep since it was read.
   */
  async claimRedrive(found: UnappliedReceipt, now: Date, maxRedrives: number): Promise<boolean> {
    const { receipt } = found;
    const last = (receipt.redrives ?? 0) + 1 >= maxRedrives;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.receipt(receipt.provider, receipt.deliveryId),
          UpdateExpression: last
            ? 'SET redrives = if_not_exists(redrives, :zero) + :one REMOVE gsi1pk, gsi1sk'
            : 'SET redrives = if_not_exists(redrives, :zero) + :one, gsi1sk = :next',
          ConditionExpression: 'gsi1sk = :seen AND attribute_not_exists(appliedAt)',
          ExpressionAttributeValues: {
            ':zero': 0,
            ':one': 1,
            ':seen': found.seen,
            ...(last ? {} : { ':next': unappliedIndexKeys(receipt, now.toISOString()).gsi1sk }),
          },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }
}
