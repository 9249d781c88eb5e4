/**
 * Webhook receipts: the durable record of an accepted delivery, written with a conditional put keyed by the
 * provider's delivery identity so that a duplicate delivery is recognised and nothing is stored twice.
 *
 * A receipt is stored unapplied and sits in a sparse index (gsi1, RECEIPT#unapplied#<shard>, by receivedAt) until
 * sync marks it applied, which takes it out of the index. So "stored but never applied" (the receiver died between
 * the put and the publish, or the event was lost) is a cheap query for the recovery sweep.
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

/** An unapplied receipt as the sweep found it: `seen` is its index position, the sweep's optimistic lock. */
export interface UnappliedReceipt {
  receipt: Receipt;
  seen: string;
}

export class ReceiptRepository {
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
   * Receipts still unapplied whose index time (receivedAt, or the last redrive) is before `before`, oldest first,
   * at most `limit` per shard. Reads only the sparse index: applied receipts are not in it.
   */
  async unapplied(before: Date, limit = 100): Promise<UnappliedReceipt[]> {
    const shards = await Promise.all(
      Array.from({ length: UNAPPLIED_SHARDS }, (_, shard) =>
        this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: TABLE.gsi1.name,
            KeyConditionExpression: 'gsi1pk = :p AND gsi1sk < :before',
            ExpressionAttributeValues: {
              ':p': keys.unappliedReceipts(shard),
              ':before': before.toISOString(),
            },
            Limit: limit,
          }),
        ),
      ),
    );
    return shards.flatMap((out) =>
      (out.Items ?? []).map((item) => ({ receipt: fromItem(item), seen: String(item.gsi1sk) })),
    );
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
