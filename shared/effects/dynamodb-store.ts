/**
 * The effect ledger's store on the tenant's DynamoDB table: one item per effect key, a pending effect indexed by its
 * lease on gsi1 (so the recovery sweep finds expired ones with one Query), each operation one conditional request.
 * The payload's long strings are stored compressed (packed-payload.ts).
 *
 *   effect by deterministic key          pk=EFFECT#<key>   sk=EFFECT   (gsi1pk=EFFECT#pending gsi1sk=<lease> while pending)
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { keys, TABLE, ttlFrom } from '../store/table-design';
import { packPayload, unpackPayload } from './packed-payload';
import type { Effect, EffectPayload, EffectRecord, EffectStore, PendingEffect } from './protocol';

export const EFFECT_RETENTION_DAYS = 400;

/** Runs a conditional write; false when its condition did not hold. */
const conditional = async (write: () => Promise<unknown>): Promise<boolean> => {
  try {
    await write();
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
};

export class DynamoEffectStore implements EffectStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  claim(effect: Effect, leaseUntil: string, now: Date): Promise<boolean> {
    return conditional(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.effect(effect.key),
            type: 'effect',
            status: 'pending',
            leaseUntil,
            attempts: 1,
            payload: packPayload(effect.payload),
            correlationId: effect.correlationId,
            createdAt: now.toISOString(),
            gsi1pk: keys.pendingEffects,
            gsi1sk: leaseUntil,
            expiresAt: ttlFrom(now, EFFECT_RETENTION_DAYS),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  settle(key: string, result: string, correlationId: string, now: Date): Promise<boolean> {
    return this.putDone(key, result, correlationId, now, 0);
  }

  recordPerformed(key: string, result: string, correlationId: string, now: Date): Promise<boolean> {
    return this.putDone(key, result, correlationId, now, 1);
  }

  /** A done record written at once (never pending, so never in the pending index), unless the key exists. */
  private putDone(
    key: string,
    result: string,
    correlationId: string,
    now: Date,
    attempts: 0 | 1,
  ): Promise<boolean> {
    return conditional(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.effect(key),
            type: 'effect',
            status: 'done',
            result,
            attempts,
            correlationId,
            createdAt: now.toISOString(),
            doneAt: now.toISOString(),
            expiresAt: ttlFrom(now, EFFECT_RETENTION_DAYS),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async read(key: string): Promise<EffectRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.effect(key), ConsistentRead: true }),
    );
    const item = out.Item as EffectRecord | undefined;
    return item?.payload ? { ...item, payload: unpackPayload(item.payload) } : item;
  }

  takeOver(key: string, seenLeaseUntil: string, leaseUntil: string): Promise<boolean> {
    return conditional(() =>
      this.doc.send(
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
      ),
    );
  }

  release(key: string, mine: string, to: string): Promise<boolean> {
    return conditional(() =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.effect(key),
          UpdateExpression: 'SET leaseUntil = :past, gsi1sk = :past',
          ConditionExpression: 'leaseUntil = :mine',
          ExpressionAttributeValues: { ':past': to, ':mine': mine },
        }),
      ),
    );
  }

  async markDone(key: string, result: string, now: Date): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.effect(key),
        UpdateExpression: 'SET #s = :done, #r = :result, doneAt = :now REMOVE gsi1pk, gsi1sk',
        ExpressionAttributeNames: { '#s': 'status', '#r': 'result' },
        ExpressionAttributeValues: { ':done': 'done', ':result': result, ':now': now.toISOString() },
      }),
    );
  }

  async expiredPending(now: Date, limit: number): Promise<PendingEffect[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: TABLE.gsi1.name,
        KeyConditionExpression: 'gsi1pk = :p AND gsi1sk < :now',
        ExpressionAttributeValues: { ':p': keys.pendingEffects, ':now': now.toISOString() },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => ({
      key: String(i.pk).slice('EFFECT#'.length),
      leaseUntil: String(i.leaseUntil),
      payload: unpackPayload(i.payload as EffectPayload),
    }));
  }
}
