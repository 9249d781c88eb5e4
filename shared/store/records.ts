/**
 * The normalized copy of CRM records. Writes are optimistic: a record is replaced only if the stored version is the
 * one we read, and never by an older source version, so out-of-order deliveries change nothing.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CanonicalRecord, CrmObject } from '../../events';
import { createdAtOf, goalDateOf } from '../goals/record-dates';
import { keys, TABLE } from './table-design';

/** The owner index attributes (gsi1): only for live records with an owner, so the index stays sparse. */
const ownerIndex = (s: StoredRecord, createdAt = createdAtOf(s.record)) =>
  s.deleted || !s.record.owner
    ? {}
    : {
        gsi1pk: keys.ownedRecords(s.object, s.record.owner.id),
        gsi1sk: `${goalDateOf(s.object, s.record)}#${s.record.id}`,
        ...(CREATION_INDEXED.has(s.object)
          ? {
              gsi2pk: keys.createdRecords(s.object, s.record.owner.id),
              gsi2sk: `${createdAt}#${s.record.id}`,
            }
          : {}),
      };

/** Objects whose creation time a goal metric reads (new pipeline, first-response time to new leads). */
const CREATION_INDEXED: ReadonlySet<CrmObject> = new Set(['deal', 'lead']);

/**
 * The creation time the index keeps (item attribute `createdAt`): the change's own, else the one stored before, else
 * the oldest version known (the stored one's modification time, or this one's on first sight), so "created in the
 * period" never moves with later edits of a record whose source sends no creation time.
 */
const creationOf = (next: StoredRecord, item: { data: StoredRecord; createdAt?: unknown } | undefined) =>
  next.record.createdAt
    ? createdAtOf(next.record)
    : typeof item?.createdAt === 'string'
      ? item.createdAt
      : createdAtOf(item?.data.record ?? next.record);

/** A record read through the creation index carries the creation time the index kept. */
const withCreatedAt = (item: Record<string, unknown>): CanonicalRecord => {
  const record = (item.data as StoredRecord).record;
  return record.createdAt || typeof item.createdAt !== 'string'
    ? record
    : { ...record, createdAt: item.createdAt };
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
/** BatchGetItem's limit. */
const BATCH_GET_LIMIT = 100;

/**
 * The webhook receipt whose change a record write applied (shared/ingest/applied.ts): stored on the record item by
 * the write itself, so marking the receipt applied costs no write of its own.
 */
export interface AppliedReceipt {
  /** `<provider>#<deliveryId>` */
  key: string;
  receivedAt: string;
}

/** The stored item of a record, as upsert reads it. */
export interface RecordItem {
  /** data.version, kept at the top for conditions and projections. */
  version: number;
  data: StoredRecord;
  events?: unknown[];
  stageSince?: string;
  createdAt?: unknown;
  appliedReceipt?: AppliedReceipt;
}

/** What a record item says about the receipts it applied (shared/ingest/applied.ts). */
export interface RecordMark {
  version: number;
  appliedReceipt?: AppliedReceipt;
}

/** The attributes of a record item a RecordMark reads (the key, to match batch answers): none of the record. */
const MARK_PROJECTION = {
  ProjectionExpression: 'pk, #v, appliedReceipt',
  ExpressionAttributeNames: { '#v': 'version' },
};

const markOf = (item: Record<string, unknown>): RecordMark => ({
  version: Number(item.version),
  ...(item.appliedReceipt ? { appliedReceipt: item.appliedReceipt as AppliedReceipt } : {}),
});

export interface UpsertOptions {
  /** The receipt this write applies; kept on the item (an earlier mark is carried over by writes with none). */
  mark?: AppliedReceipt;
  /** The item as the caller just read it (undefined: none stored), saving upsert's first read. */
  seen?: { item: RecordItem | undefined };
}

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
    return this.query(TABLE.gsi1, keys.ownedRecords(object, ownerId), lower, upper, (item) =>
      typeof item.stageSince === 'string'
        ? { ...(item.data as StoredRecord), stageSince: item.stageSince }
        : (item.data as StoredRecord),
    );
  }

  /**
   * One owner's live deals or leads created in [lower, upper] (UTC ISO instants), through the creation index (gsi2):
   * reads only that owner's partition, never the table.
   */
  async created(
    object: CrmObject,
    ownerId: string,
    lower: string,
    upper: string,
  ): Promise<CanonicalRecord[]> {
    return this.query(TABLE.gsi2, keys.createdRecords(object, ownerId), lower, upper, withCreatedAt);
  }

  /** Every item of one index partition with a sort key in [lower, upper…], page by page. */
  private async query<T>(
    index: typeof TABLE.gsi1 | typeof TABLE.gsi2,
    partition: string,
    lower: string,
    upper: string,
    read: (item: Record<string, unknown>) => T,
  ): Promise<T[]> {
    const out: T[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: `${index.partitionKey} = :p AND ${index.sortKey} BETWEEN :lo AND :hi`,
          ProjectionExpression: '#d, #c, stageSince',
          ExpressionAttributeNames: { '#d': 'data', '#c': 'createdAt' },
          ExpressionAttributeValues: { ':p': partition, ':lo': lower, ':hi': `${upper}\uffff` },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) out.push(read(item));
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
          FilterExpression:
            'begins_with(pk, :p) AND (attribute_not_exists(gsi1pk) OR (attribute_not_exists(gsi2pk) AND (begins_with(pk, :deal) OR begins_with(pk, :lead))))',
          ExpressionAttributeValues: { ':p': 'REC#', ':deal': 'REC#deal#', ':lead': 'REC#lead#' },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const index: Partial<Record<'gsi1pk' | 'gsi1sk' | 'gsi2pk' | 'gsi2sk', string>> = ownerIndex(
          item.data as StoredRecord,
          typeof item.createdAt === 'string' ? item.createdAt : undefined,
        );
        if (!index.gsi1pk) continue;
        try {
          await this.doc.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: { pk: item.pk, sk: item.sk },
              UpdateExpression: `SET gsi1pk = :pk, gsi1sk = :sk${index.gsi2pk ? ', gsi2pk = :pk2, gsi2sk = :sk2' : ''}`,
              ConditionExpression: 'version = :v',
              ExpressionAttributeValues: {
                ':pk': index.gsi1pk,
                ':sk': index.gsi1sk,
                ':v': item.version,
                ...(index.gsi2pk ? { ':pk2': index.gsi2pk, ':sk2': index.gsi2sk } : {}),
              },
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

  /** The stored item of one record (consistent read): what upsert reads, for callers that decide first. */
  async getItem(object: CrmObject, id: string): Promise<RecordItem | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.record(object, id), ConsistentRead: true }),
    );
    return out.Item as RecordItem | undefined;
  }

  /**
   * The version and applied-receipt mark of one record (undefined: none stored), reading only those attributes:
   * what a receiver needs of a duplicate's record, however large the record. Eventually consistent, as `marks`:
   * a record's mark only moves on (versions grow, a receipt once applied stays applied), so a stale read can only
   * miss a recent application, and the duplicate is then published again and skipped by sync, which reads
   * consistently; it never shows a change applied that is not.
   */
  async mark(object: CrmObject, id: string): Promise<RecordMark | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.record(object, id), ...MARK_PROJECTION }),
    );
    return out.Item ? markOf(out.Item) : undefined;
  }

  /** The version and applied-receipt mark of each of these records that is stored, keyed `<object>#<id>`. */
  async marks(refs: readonly { object: CrmObject; id: string }[]): Promise<Map<string, RecordMark>> {
    const unique = [...new Map(refs.map((r) => [`${r.object}#${r.id}`, r])).values()];
    const found = new Map<string, RecordMark>();
    for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) {
      let request: Record<string, unknown>[] = unique
        .slice(i, i + BATCH_GET_LIMIT)
        .map((r) => keys.record(r.object, r.id));
      while (request.length > 0) {
        const out = await this.doc.send(
          new BatchGetCommand({
            RequestItems: {
              [this.tableName]: { Keys: request, ...MARK_PROJECTION },
            },
          }),
        );
        for (const item of out.Responses?.[this.tableName] ?? [])
          found.set(String(item.pk).slice('REC#'.length), markOf(item));
        request = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return found;
  }

  /**
   * Applies `next` unless a newer or equal version is stored (a tombstone is a record with deleted=true).
   * `derive` computes the change's events from the previous state; they are stored beside the record.
   */
  async upsert<E>(
    next: StoredRecord,
    derive: (previous: StoredRecord | undefined) => E[],
    opts: UpsertOptions = {},
  ): Promise<UpsertOutcome<E>> {
    for (let attempt = 0; attempt < MAX_RACE_RETRIES; attempt++) {
      const item =
        attempt === 0 && opts.seen ? opts.seen.item : await this.getItem(next.object, next.record.id);
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
      const createdAt = creationOf(next, item);
      const appliedReceipt = opts.mark ?? item?.appliedReceipt;
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...keys.record(next.object, next.record.id),
              type: 'record',
              version: next.version,
              ...ownerIndex(next, createdAt),
              ...(CREATION_INDEXED.has(next.object) ? { createdAt } : {}),
              data: next,
              ...(stageSince ? { stageSince } : {}),
              events,
              ...(appliedReceipt ? { appliedReceipt } : {}),
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
