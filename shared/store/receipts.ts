/**
 * Webhook receipts: the durable record of an accepted delivery, written with a conditional put keyed by the
 * provider's delivery identity so that a duplicate delivery is recognised and nothing is stored twice.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CanonicalRecord, CrmObject } from '../../events';
import { isExpired, keys, ttlFrom } from './table-design';

export const RECEIPT_RETENTION_DAYS = 30;

export interface Receipt {
  provider: 'generic' | 'zoho' | 'fxiaoke';
  deliveryId: string;
  object: CrmObject;
  action: 'upsert' | 'delete';
  recordId: string;
  record?: CanonicalRecord;
  correlationId: string;
  receivedAt: string;
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
    const { pk: _pk, sk: _sk, type: _type, expiresAt: _exp, ...receipt } = out.Item;
    return receipt as Receipt;
  }
}
