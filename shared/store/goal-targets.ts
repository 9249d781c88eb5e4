/**
 * Goal targets as data: one item per (goal, period, owner) holding the current target and its whole history (who,
 * when, old → new, reason). One item, so a change and its history entry are written together by one conditional
 * put (on the version it replaces, so two admins cannot silently overwrite each other), without transactions,
 * which dynalite does not implement. A target changes a few times a period: the history stays far below the 400 KB
 * item limit.
 *
 * Access patterns (table-design.ts): one target (GetItem); a goal's targets, optionally of one period (one Query).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { codedError } from '../errors';
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

/** Someone else changed a target between our read and our write: that target and the ones after it were not written. */
export class TargetConflictError extends codedError('conflict') {
  override readonly name = 'TargetConflictError';
}

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

  /** Every change of the goal's targets (of one period when given), oldest first per target. */
  async history(goal: string, period?: string): Promise<TargetChange[]> {
    const items = await this.query(goalTargetKeys.targets(goal), period ? `${period}#` : undefined);
    return items.flatMap((i) => i.history as TargetChange[]);
  }

  /**
   * Stores the entries whose target differs from the current one; returns what changed. Callers check every entry
   * before calling, so a bad row is refused before anything is written; a conflict stops at that target (the ones
   * before it are stored, and running the same input again skips them as unchanged).
   */
  async set(entries: readonly TargetEntry[], by: string, now: Date): Promise<TargetChange[]> {
    const at = now.toISOString();
    const changes: TargetChange[] = [];
    for (const entry of entries) {
      const key = goalTargetKeys.target(entry.goal, entry.period, entry.owner);
      const item = (
        await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }))
      ).Item;
      const current = item?.target as StoredTarget | undefined;
      if (current && sameValue(current.target, entry.target)) continue;
      const version = (current?.version ?? 0) + 1;
      const reason = entry.reason ? { reason: entry.reason } : {};
      const stored: StoredTarget = { ...entry, version, updatedAt: at, updatedBy: by, ...reason };
      const change: TargetChange = {
        goal: entry.goal,
        period: entry.period,
        owner: entry.owner,
        version,
        ...(current ? { from: current.target } : {}),
        to: entry.target,
        ...reason,
        by,
        at,
      };
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...key,
              type: 'goalTarget',
              version,
              target: stored,
              history: [...((item?.history as TargetChange[] | undefined) ?? []), change],
            },
            ConditionExpression: current ? 'version = :seen' : 'attribute_not_exists(pk)',
            ...(current ? { ExpressionAttributeValues: { ':seen': current.version } } : {}),
          }),
        );
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException)
          throw new TargetConflictError(
            `the target of ${entry.owner} for ${entry.goal} ${entry.period} changed while this ran (${changes.length} change(s) stored before it); run it again`,
          );
        throw err;
      }
      changes.push(change);
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
