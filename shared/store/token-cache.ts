/**
 * CRM access tokens shared by every invocation of a tenant, in the tenant's table. Zoho allows about 10 token
 * requests per 10 minutes and Fxiaoke 10 a minute, so Lambda containers must reuse one token and count refreshes
 * together. This is the shared/crm/token-cache.ts interface every provider's client takes.
 * Every write is a single-item conditional write: no transactions (dynalite has none, and none are needed).
 *
 * Access patterns (to be listed in table-design.ts):
 *   access token by cache key            pk=TOKEN#<key>        sk=TOKEN     TTL: a day after the token expires
 *   recent token calls by cache key      pk=TOKENSLOTS#<key>   sk=SLOTS     TTL: when the window has passed
 *
 * Tokens are secrets: nothing here logs them or puts them in error messages.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SharedToken, Slot, TokenCache } from '../crm/token-cache';

export type { SharedToken, Slot };

const DAY_S = 86_400;
/** Optimistic writes of the slot log; more racers than this at once means something is refreshing in a loop. */
const MAX_SLOT_RACES = 10;

export const tokenKeys = {
  token: (key: string) => ({ pk: `TOKEN#${key}`, sk: 'TOKEN' }),
  slots: (key: string) => ({ pk: `TOKENSLOTS#${key}`, sk: 'SLOTS' }),
};

const isConditionFailure = (err: unknown): boolean => err instanceof ConditionalCheckFailedException;

type SlotLog = { times?: number[]; rev?: number };

export class DynamoTokenCache<T extends SharedToken> implements TokenCache<T> {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(key: string): Promise<T | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: tokenKeys.token(key), ConsistentRead: true }),
    );
    return (out.Item as { token?: T } | undefined)?.token;
  }

  /**
   * Stores the token unless a longer-lived one is already there: two containers that refreshed at once both
   * succeed, and the slower one must not replace the newer token with its older one.
   */
  async put(key: string, token: T): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...tokenKeys.token(key),
            type: 'token',
            token,
            tokenExpiresAt: token.expiresAt,
            expiresAt: Math.ceil(token.expiresAt / 1000) + DAY_S,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR tokenExpiresAt <= :mine',
          ExpressionAttributeValues: { ':mine': token.expiresAt },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  /** Deletes only if the stored token is still the rejected one: another container may have replaced it. */
  async evict(key: string, accessToken: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: tokenKeys.token(key),
          ConditionExpression: '#token.accessToken = :rejected',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':rejected': accessToken },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  /**
   * A sliding window, as the CRMs count: the item holds the times of recent token calls and a revision; a slot is
   * taken by writing the pruned list plus `nowMs` on the condition that the revision is still the one read.
   */
  async takeSlot(key: string, nowMs: number, max: number, windowMs: number): Promise<Slot> {
    return this.updateSlots(key, (item) => {
      const recent = (item?.times ?? []).filter((t) => t > nowMs - windowMs).sort((a, b) => a - b);
      if (recent.length >= max) {
        return { ok: false, retryAfterMs: (recent[recent.length - max] ?? nowMs) + windowMs - nowMs };
      }
      return { times: [...recent, nowMs], keepUntil: nowMs + windowMs };
    });
  }

  /**
   * Gives back the slot taken at `takenAtMs` (a lease whose holder is done). A slot that has left the window, or
   * was pruned by a later taker, is simply not there: nothing else is removed.
   */
  async releaseSlot(key: string, takenAtMs: number, windowMs: number): Promise<void> {
    await this.updateSlots(key, (item) => {
      const times = item?.times ?? [];
      const i = times.indexOf(takenAtMs);
      if (i < 0) return { ok: true };
      return { times: times.filter((_, j) => j !== i), keepUntil: Math.max(...times) + windowMs };
    });
  }

  /**
   * Reads the slot log, lets `decide` answer or return the new list of times (and when the item may expire), and
   * writes that list on the condition that the revision is still the one read; a lost race reads again.
   */
  private async updateSlots(
    key: string,
    decide: (item: SlotLog | undefined) => Slot | { times: number[]; keepUntil: number },
  ): Promise<Slot> {
    for (let race = 0; race < MAX_SLOT_RACES; race++) {
      const out = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: tokenKeys.slots(key), ConsistentRead: true }),
      );
      const item = out.Item as SlotLog | undefined;
      const next = decide(item);
      if ('ok' in next) return next;
      const { times, keepUntil } = next;
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...tokenKeys.slots(key),
              type: 'tokenSlots',
              times,
              rev: (item?.rev ?? 0) + 1,
              expiresAt: Math.ceil(keepUntil / 1000),
            },
            ConditionExpression: item ? 'rev = :seen' : 'attribute_not_exists(pk)',
            ...(item ? { ExpressionAttributeValues: { ':seen': item.rev ?? 0 } } : {}),
          }),
        );
        return { ok: true };
      } catch (err) {
        // Another container changed the log between our read and write: read again and re-decide.
        if (!isConditionFailure(err)) throw err;
      }
    }
    throw new Error(`token slots for ${key} kept changing under us; giving up for a retry`);
  }
}
