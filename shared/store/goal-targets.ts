/**
 * Goal targets as data: the current target per (goal, period, owner) and its history. A change writes the new
 * current item (conditional on the version it replaces, so two admins cannot silently overwrite each other) and a
 * history item (who, when, old → new, reason) in one transaction: the history never misses a change.
 *
 * Access patterns (table-design.ts): a goal's targets, optionally of one period (one Query); a goal's history.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { Dec } from '../incentives/money';
import { goalTargetKeys } from './table-design';

export interface TargetEntry {
  goal: string;
  period: string;
  /** A person id, a team id or the tenant id. */
  owner: string;
  /** Decimal string. */
  target: string;
  reason?: string;
}

export interface StoredTarget extends TargetEntry {
  version: number;
  updatedAt: string;
  updatedBy: string;
}

export interface TargetChange {
  goal: string;
  period: string;
  owner: string;
  version: number;
  /** Undefined for the first target. */
  from?: string;
  to: string;
  reason?: string;
  by: string;
  at: string;
}

/** Someone else changed a target between our read and our write: nothing of this batch was written. */
export class TargetConflictError extends Error {
  override readonly name = 'TargetConflictError';
}

/** TransactWriteItems takes 100 items: 50 targets with their history items. */
const PER_TRANSACTION = 50;

/** "100" and "100.00" are the same target: compared as decimals, not as text. */
const sameValue = (a: string, b: string) => new Dec(a).eq(new Dec(b));

export class GoalTargetRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(goal: string, period: string, owner: string): Promise<StoredTarget | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: goalTargetKeys.target(goal, period, owner),
        ConsistentRead: true,
      }),
    );
    return out.Item?.target as StoredTarget | undefined;
  }

  /** The goal's current targets (of one period when given), by period then owner. */
  async list(goal: string, period?: string): Promise<StoredTarget[]> {
    const items = await this.query(goalTargetKeys.targets(goal), period ? `${period}#` : undefined);
    return items.map((i) => i.target as StoredTarget);
  }

  async history(goal: string, period?: string): Promise<TargetChange[]> {
    const items = await this.query(goalTargetKeys.history(goal), period ? `${period}#` : undefined);
    return items.map((i) => i.change as TargetChange);
  }

  /**
   * Stores the entries whose target differs from the current one; returns what changed. Entries are written 50 to
   * a transaction; callers validate every entry before calling, so a refusal happens before anything is written.
   */
  async set(entries: readonly TargetEntry[], by: string, now: Date): Promise<TargetChange[]> {
    const at = now.toISOString();
    const plans: { entry: TargetEntry; current: StoredTarget | undefined }[] = [];
    for (const entry of entries) {
      const current = await this.get(entry.goal, entry.period, entry.owner);
      if (current && sameValue(current.target, entry.target)) continue;
      plans.push({ entry, current });
    }
    const changes: TargetChange[] = [];
    for (let i = 0; i < plans.length; i += PER_TRANSACTION) {
      const chunk = plans.slice(i, i + PER_TRANSACTION);
      const items: Record<string, unknown>[] = [];
      const chunkChanges: TargetChange[] = [];
      for (const { entry, current } of chunk) {
        const version = (current?.version ?? 0) + 1;
        const stored: StoredTarget = {
          ...entry,
          version,
          updatedAt: at,
          updatedBy: by,
          ...(entry.reason ? { reason: entry.reason } : {}),
        };
        const change: TargetChange = {
          goal: entry.goal,
          period: entry.period,
          owner: entry.owner,
          version,
          ...(current ? { from: current.target } : {}),
          to: entry.target,
          ...(entry.reason ? { reason: entry.reason } : {}),
          by,
          at,
        };
        items.push({
          Put: {
            TableName: this.tableName,
            Item: {
              ...goalTargetKeys.target(entry.goal, entry.period, entry.owner),
              type: 'goalTarget',
              version,
              target: stored,
            },
            ConditionExpression: current ? 'version = :seen' : 'attribute_not_exists(pk)',
            ...(current ? { ExpressionAttributeValues: { ':seen': current.version } } : {}),
          },
        });
        items.push({
          Put: {
            TableName: this.tableName,
            Item: {
              ...goalTargetKeys.change(entry.goal, entry.period, entry.owner, version),
              type: 'goalTargetChange',
              change,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        });
        chunkChanges.push(change);
      }
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: items as never }));
      } catch (err) {
        if (err instanceof TransactionCanceledException)
          throw new TargetConflictError(
            `targets changed while this was being written (${changes.length} of ${plans.length} changes stored before); run it again`,
          );
        throw err;
      }
      changes.push(...chunkChanges);
    }
    return changes;
  }

  private async query(pk: string, prefix: string | undefined): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: prefix ? 'pk = :p AND begins_with(sk, :s)' : 'pk = :p',
          ExpressionAttributeValues: { ':p': pk, ...(prefix ? { ':s': prefix } : {}) },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
