/**
 * The tenant's suppression list: addresses that are never mailed again (an unsubscribe, a permanent bounce, a
 * complaint, or an operator's entry). One item per normalised address, written with a conditional put, so the
 * first reason wins and repeats (a second click, SES redelivering an event) change nothing.
 *
 * Access pattern (listed in table-design.ts):
 *   suppressed address                   pk=SUPPRESSION   sk=<normalised address>
 * One item collection, so the admin CLI lists it with a Query; the send path reads one item by key.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { SuppressionReason } from '../../events/domain';
import { normaliseAddress } from '../mail/unsubscribe';

export const SUPPRESSION_PK = 'SUPPRESSION';
const keyOf = (address: string) => ({ pk: SUPPRESSION_PK, sk: address });

export interface SuppressionEntry {
  address: string;
  reason: SuppressionReason;
  /** When the address was suppressed (ISO): the click, or SES's bounce/complaint time. */
  at: string;
  /** Where it came from, e.g. `ses:Permanent/General`, `one-click`, `cli`. */
  source?: string;
  /** When it was written (ISO). */
  recordedAt: string;
  /** When contact.suppressed was published for it (ISO); absent until then. */
  announcedAt?: string;
}

const entryOf = (item: Record<string, unknown>): SuppressionEntry => ({
  address: String(item.address),
  reason: item.reason as SuppressionReason,
  at: String(item.at),
  ...(typeof item.source === 'string' ? { source: item.source } : {}),
  recordedAt: String(item.recordedAt),
  ...(typeof item.announcedAt === 'string' ? { announcedAt: item.announcedAt } : {}),
});

export class SuppressionRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date,
  ) {}

  /**
   * Puts the address on the list unless it is there already. `added` is false for a repeat; `entry` is what the
   * list holds either way (the first reason and time).
   */
  async suppress(
    address: string,
    reason: SuppressionReason,
    detail: { source?: string; at?: string } = {},
  ): Promise<{ added: boolean; entry: SuppressionEntry }> {
    const normalised = normaliseAddress(address);
    const recordedAt = this.now().toISOString();
    const at = detail.at ? new Date(detail.at) : undefined;
    if (at && Number.isNaN(at.getTime())) throw new Error(`the suppression time is not a date: ${detail.at}`);
    const entry: SuppressionEntry = {
      address: normalised,
      reason,
      at: at ? at.toISOString() : recordedAt,
      ...(detail.source ? { source: detail.source } : {}),
      recordedAt,
    };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keyOf(normalised), type: 'suppression', ...entry },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { added: true, entry };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const existing = await this.get(normalised);
      // Removed again between the two calls: report the attempt as what it was, a repeat.
      return { added: false, entry: existing ?? entry };
    }
  }

  /** The reason and time, or undefined when the address may be mailed. A consistent read: an unsubscribe counts at once. */
  async isSuppressed(address: string): Promise<{ reason: string; at: string } | undefined> {
    const entry = await this.get(normaliseAddress(address));
    return entry ? { reason: entry.reason, at: entry.at } : undefined;
  }

  async get(address: string): Promise<SuppressionEntry | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keyOf(normaliseAddress(address)),
        ConsistentRead: true,
      }),
    );
    return out.Item ? entryOf(out.Item) : undefined;
  }

  /** Records that contact.suppressed went out for this entry. */
  async markAnnounced(address: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(normaliseAddress(address)),
          UpdateExpression: 'SET announcedAt = :now',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':now': this.now().toISOString() },
        }),
      );
    } catch (err) {
      // Removed in the meantime: nothing left to mark.
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  /** Every entry, by address. */
  async list(): Promise<SuppressionEntry[]> {
    const entries: SuppressionEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': SUPPRESSION_PK },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of out.Items ?? []) entries.push(entryOf(item));
      start = out.LastEvaluatedKey;
    } while (start);
    return entries;
  }

  /** Takes the address off the list (an operator's decision, e.g. a contact who opted in again). */
  async remove(address: string): Promise<{ removed: boolean; entry?: SuppressionEntry }> {
    const out = await this.doc.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: keyOf(normaliseAddress(address)),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return out.Attributes ? { removed: true, entry: entryOf(out.Attributes) } : { removed: false };
  }
}
