/**
 * The normalized copy of CRM records. Writes are optimistic: a record is replaced only if the stored version is the
 * one we read, and never by an older source version, so out-of-order deliveries change nothing.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CanonicalRecord, CrmObject } from '../../events';
import { goalDateOf } from '../goals/record-dates';
import { keys, TABLE } from './table-design';

/** The owner index attributes (gsi1): only for live records with an owner, so the index stays sparse. */
const ownerIndex = (s: StoredRecord) =>
  s.deleted || !s.record.owner
    ? {}
    : {
        gsi1pk: keys.ownedRecords(s.object, s.record.owner.id),
        gsi1sk: `${goalDateOf(s.object, s.record)}#${s.record.id}`,
      };

export interface StoredRecord {
  object: CrmObject;
  record: CanonicalRecord;
  /** Source modification time in epoch ms: the version used for ordering. */
  version: number;
  deleted: boolean;
  /**
   * Deals, as ownedStored reads them: the source modification time of the first version stored in the current
   * stage (kept by upsert beside the data), so "in this stage since" comes with the record.
   */
  stageSince?: string;
}

/**
 * What an upsert did. The change's derived events are stored with the record, so a retry after a crash between the
 * write and the publish finds the same version ('unchanged') and gets the same events back to publish again.
 */
export type UpsertOutcome<E> =
  | { applied: true; previous: StoredRecord | undefined; current: StoredRecord; events: E[] }
  | { applied: false; reason: 'unchanged'; current: StoredRecord; events: E[] }
  | { applied: false; reason: 'stale'; current: StoredRecord; events: [] };

const MAX_RACE_RETRIES = 5;

/** A deal keeps its stageSince while the stage stays; a new stage (or a first version) starts it anew. */
const stageSinceOf = (previous: StoredRecord | undefined, next: StoredRecord): string | undefined => {
  if (next.object !== 'deal' || next.record.stage === undefined) return undefined;
  if (previous && !previous.deleted && previous.record.stage === next.record.stage)
    return previous.stageSince;
  return next.record.modifiedAt;
};

export class RecordRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(object: CrmObject, id: string): Promise<StoredRecord | undefined> {
    return (await this.getItem(object, id))?.data;
  }

  /**
   * One owner's live records of one object whose goal date (goalDateOf) lies in [lower, upper] (string order; an
   * upper bound of a date takes the whole day). Reads only that owner's index partition, never the table.
   */
  async owned(object: CrmObject, ownerId: string, lower: string, upper: string): Promise<CanonicalRecord[]> {
    return (await this.ownedStored(object, ownerId, lower, upper)).map((s) => s.record);
  }

  /** owned, with what is stored beside each record (stageSince). */
  async ownedStored(
    object: CrmObject,
    ownerId: string,
    lower: string,
    upper: string,
  ): Promise<StoredRecord[]> {
    const out: StoredRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: TABLE.gsi1.name,
          KeyConditionExpression: 'gsi1pk = :p AND gsi1sk BETWEEN :lo AND :hi',
          ProjectionExpression: '#d, stageSince',
          ExpressionAttributeNames: { '#d': 'data' },
          ExpressionAttributeValues: {
            ':p': keys.ownedRecords(object, ownerId),
            ':lo': lower,
            ':hi': `${upper}\uffff`,
          },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? [])
        out.push(
          typeof item.stageSince === 'string'
            ? { ...(item.data as StoredRecord), stageSince: item.stageSince }
            : (item.data as StoredRecord),
        );
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /**
   * Adds the owner index to records stored before it existed; returns how many it indexed. One Scan of the table,
   * run once after upgrading (`quotaflow goals reindex`), never on a request path. A record that changed meanwhile
   * is left alone: its own write already indexed it.
   */
  async indexOwners(): Promise<number> {
    let indexed = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'begins_with(pk, :p) AND attribute_not_exists(gsi1pk)',
          ExpressionAttributeValues: { ':p': 'REC#' },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const index = ownerIndex(item.data as StoredRecord);
        if (!('gsi1pk' in index)) continue;
        try {
          await this.doc.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { pk: item.pk, sk: item.sk },
              UpdateExpression: 'SET gsi1pk = :pk, gsi1sk = :sk',
              ConditionExpression: 'version = :v',
              ExpressionAttributeValues: { ':pk': index.gsi1pk, ':sk': index.gsi1sk, ':v': item.version },
            }),
          );
          indexed++;
        } catch (err) {
          if (!(err instanceof ConditionalCheckFailedException)) throw err;
        }
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return indexed;
  }

  private async getItem(object: CrmObject, id: string) {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.record(object, id), ConsistentRead: true }),
    );
    return out.Item as { data: StoredRecord; events?: unknown[]; stageSince?: string } | undefined;
  }

  /**
   * Applies `next` unless a newer or equal version is stored (a tombstone is a record with deleted=true).
   * `derive` computes the change's events from the previous state; they are stored beside the record.
   */
  async upsert<E>(
    next: StoredRecord,
    derive: (previous: StoredRecord | undefined) => E[],
  ): Promise<UpsertOutcome<E>> {
    for (let attempt = 0; attempt < MAX_RACE_RETRIES; attempt++) {
      const item = await this.getItem(next.object, next.record.id);
      const previous = item?.data;
      if (previous && previous.version > next.version) {
        return { applied: false, reason: 'stale', current: previous, events: [] };
      }
      if (previous && previous.version === next.version) {
        return {
          applied: false,
          reason: 'unchanged',
          current: previous,
          events: (item?.events ?? []) as E[],
        };
      }
      const events = derive(previous);
      const stageSince = stageSinceOf(previous && { ...previous, stageSince: item?.stageSince }, next);
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...keys.record(next.object, next.record.id),
              type: 'record',
              version: next.version,
              ...ownerIndex(next),
              data: next,
              ...(stageSince ? { stageSince } : {}),
              events,
            },
            ConditionExpression: previous ? 'version = :seen' : 'attribute_not_exists(pk)',
            ...(previous ? { ExpressionAttributeValues: { ':seen': previous.version } } : {}),
          }),
        );
        return { applied: true, previous, current: next, events };
      } catch (err) {
        // Another writer got in between our read and write: read again and re-decide.
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    }
    throw new Error(`record ${next.object}/${next.record.id} kept changing under us; giving up for a retry`);
  }
}
