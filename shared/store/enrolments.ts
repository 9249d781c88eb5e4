/**
 * Sequence enrolments: which records (and which contact address) are in which sequence, and whether they still are.
 * The enrolment key itself is claimed in the effect ledger (that is what enforces the re-enrolment rule); this is
 * the state a step reads when it falls due, and what stop signals change.
 *
 *   enrolments of a record            pk=ENROL#<object>#<recordId>   sk=<sequence>#<occurrence>
 *   enrolments of a contact address   gsi1pk=ENROLADDR#<address>     gsi1sk=<workflow>#<sequence>#<object>#<recordId>
 *   enrolments of an account          pk=ENROLACCT#<accountId>       sk=<object>#<recordId>#<sequence>#<occurrence>
 *   enrolments of a record owner      gsi2pk=ENROLOWNER#<ownerId>    gsi2sk=<startedAt>#<sequence>#<object>#<recordId>#<occurrence>
 *
 * The owner is the CRM owner of the enrolled record when the enrolment started (a later reassignment does not move
 * it): the manager digest reads a rep's enrolments of the retention window through that index.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Enrolment, EnrolmentRef, EnrolmentsPort, NewEnrolment } from '../workflows/ports';
import { isExpired, keys, TABLE, ttlFrom } from './table-design';

export type { Enrolment, EnrolmentRef } from '../workflows/ports';

/** Enrolments are kept a year after they start (a sequence longer than that is not a follow-up). */
export const ENROLMENT_RETENTION_DAYS = 400;

const normalAddress = (a: string) => a.trim().toLowerCase();
const recordPk = (object: string, recordId: string) => `ENROL#${object}#${recordId}`;
const key = (e: EnrolmentRef) => ({
  pk: recordPk(e.object, e.recordId),
  sk: `${e.sequence}#${e.occurrence}`,
});

/** The owner index attributes of an enrolment (gsi2, sorted by start time). */
const ownerIndexOf = (e: EnrolmentRef & Pick<Enrolment, 'startedAt'>, ownerId: string) => ({
  gsi2pk: keys.ownerEnrolments(ownerId),
  gsi2sk: `${e.startedAt}#${e.sequence}#${e.object}#${e.recordId}#${e.occurrence}`,
});

export class EnrolmentRepository implements EnrolmentsPort {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date,
  ) {}

  /** Records the enrolment; a second call for the same one changes nothing (it may have been stopped since). */
  async start(e: NewEnrolment): Promise<{ started: boolean }> {
    const now = this.now();
    const address = e.address ? normalAddress(e.address) : undefined;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key(e),
            type: 'enrolment',
            ...e,
            ...(address ? { address } : {}),
            status: 'active',
            startedAt: now.toISOString(),
            ...(address
              ? {
                  gsi1pk: `ENROLADDR#${address}`,
                  gsi1sk: `${e.workflow}#${e.sequence}#${e.object}#${e.recordId}`,
                }
              : {}),
            ...(e.ownerId ? ownerIndexOf({ ...e, startedAt: now.toISOString() }, e.ownerId) : {}),
            expiresAt: ttlFrom(now, ENROLMENT_RETENTION_DAYS),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return { started: false };
      throw err;
    }
    if (e.accountId) {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `ENROLACCT#${e.accountId}`,
            sk: `${e.object}#${e.recordId}#${e.sequence}#${e.occurrence}`,
            type: 'enrolment-account',
            ref: { object: e.object, recordId: e.recordId, sequence: e.sequence, occurrence: e.occurrence },
            expiresAt: ttlFrom(now, ENROLMENT_RETENTION_DAYS),
          },
        }),
      );
    }
    return { started: true };
  }

  async get(ref: EnrolmentRef): Promise<Enrolment | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: key(ref), ConsistentRead: true }),
    );
    return out.Item as Enrolment | undefined;
  }

  /** Every enrolment of a record (active or not), for stop signals about that record. */
  async ofRecord(object: string, recordId: string): Promise<Enrolment[]> {
    return this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': recordPk(object, recordId) },
      ConsistentRead: true,
    });
  }

  /** Enrolments mailing this address (any record), for unsubscribes, bounces and replies. */
  async ofAddress(address: string): Promise<Enrolment[]> {
    return this.queryAll({
      IndexName: TABLE.gsi1.name,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `ENROLADDR#${normalAddress(address)}` },
    });
  }

  /** Enrolments of any record at an account ("someone else at the same account replied"). */
  async ofAccount(accountId: string): Promise<Enrolment[]> {
    const pointers = await this.queryAll<{ ref: EnrolmentRef }>({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `ENROLACCT#${accountId}` },
    });
    const found = await Promise.all(pointers.map((p) => this.get(p.ref)));
    return found.filter((e): e is Enrolment => e !== undefined);
  }

  /**
   * Enrolments of records this CRM owner had when enrolled, started at or after `from` (oldest first); one paged
   * Query on gsi2. Expired items (TTL deletes lazily, and not at all locally) are left out.
   */
  async ofOwner(ownerId: string, from: Date): Promise<Enrolment[]> {
    const items = await this.queryAll<Enrolment & { expiresAt?: number }>({
      IndexName: TABLE.gsi2.name,
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk >= :from',
      ExpressionAttributeValues: { ':pk': keys.ownerEnrolments(ownerId), ':from': from.toISOString() },
    });
    const now = this.now();
    return items.filter((e) => !isExpired(e, now));
  }

  /**
   * Gives an enrolment stored before the owner index its owner (the record's owner now: who owned it when it was
   * enrolled was not kept). False when it has one already (a concurrent write or an earlier backfill).
   */
  async indexOwner(e: EnrolmentRef & Pick<Enrolment, 'startedAt'>, ownerId: string): Promise<boolean> {
    const index = ownerIndexOf(e, ownerId);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(e),
          UpdateExpression: 'SET ownerId = :o, gsi2pk = :pk, gsi2sk = :sk',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(gsi2pk)',
          ExpressionAttributeValues: { ':o': ownerId, ':pk': index.gsi2pk, ':sk': index.gsi2sk },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /** Stops an active enrolment; false if it was already stopped (the first reason is kept). */
  async stop(ref: EnrolmentRef, reason: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(ref),
          UpdateExpression: 'SET #s = :stopped, stoppedReason = :reason, stoppedAt = :now',
          ConditionExpression: '#s = :active',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':stopped': 'stopped',
            ':active': 'active',
            ':reason': reason,
            ':now': this.now().toISOString(),
          },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  private async queryAll<T = Enrolment>(
    input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>,
  ): Promise<T[]> {
    const items: T[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: start }),
      );
      items.push(...((out.Items ?? []) as T[]));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
