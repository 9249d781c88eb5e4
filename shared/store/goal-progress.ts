/**
 * Stored goal progress (goals/incremental.ts): per record, what it contributes to goal totals now; per (goal,
 * period, owner), the totals. Totals are changed only by ADD (concurrent changes of different records never
 * conflict) with exact decimals (NumberValue: DynamoDB numbers keep 38 significant digits, no float on the way).
 *
 * Access patterns (table-design.ts):
 *   a record's contributions          pk=GOALCONTRIB#<object>#<recordId>  sk=CONTRIB
 *   a (goal, period, owner) total     pk=GOALACTUAL#<goalId>#<periodKey>  sk=<ownerId>
 *   the nightly recompute's cursor    pk=GOALRECOMPUTE                    sk=<run day>
 */
import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  ConditionalCheckFailedException,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  NumberValue,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type Contribution,
  type StoredTotal,
  type TotalDelta,
  type TotalKey,
  totalKey,
} from '../goals/contributions';
import type { StoredContribution } from '../goals/incremental';
import type { RecomputeStore } from '../goals/recompute';
import { Dec } from '../incentives/money';
import { goalProgressKeys, ttlFrom } from './table-design';

/** A recompute cursor is kept this long (a night's runs need it for hours). */
const CURSOR_DAYS = 30;

const MILESTONE = 'ms#';
/** BatchGetItem's limit. */
const BATCH_GET = 100;
/** The recompute item that marks the totals complete (a run day is a date, so it never clashes). */
const READY = 'READY';

/** A total read raw, so its numbers stay exact decimal strings (the document client would make them floats). */
const totalOf = (raw: Record<string, AttributeValue>): StoredTotal => {
  const item = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.N ?? v.S]));
  const milestones: Record<string, Dec> = {};
  for (const [k, v] of Object.entries(item))
    if (k.startsWith(MILESTONE)) milestones[k.slice(MILESTONE.length)] = new Dec(String(v));
  return {
    actual: new Dec(String(item.actual ?? '0')),
    pipeline: new Dec(String(item.pipeline ?? '0')),
    milestones,
    skipped: Number(item.skipped ?? 0),
  };
};

export interface RecomputeCursor {
  /** The goals and owners done so far, in the run's order. */
  done: number;
  finishedAt?: string;
}

export class GoalProgressRepository implements RecomputeStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async contribution(object: string, recordId: string): Promise<StoredContribution | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: goalProgressKeys.contribution(object, recordId),
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    return { version: Number(out.Item.version), contributions: out.Item.contributions as Contribution[] };
  }

  async putContribution(
    object: string,
    recordId: string,
    next: StoredContribution,
    seen: number | undefined,
  ): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...goalProgressKeys.contribution(object, recordId),
            type: 'goal-contribution',
            version: next.version,
            contributions: next.contributions,
          },
          ConditionExpression: seen === undefined ? 'attribute_not_exists(pk)' : 'version = :seen',
          ...(seen === undefined ? {} : { ExpressionAttributeValues: { ':seen': seen } }),
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async addToTotals(deltas: readonly TotalDelta[]): Promise<void> {
    // Independent totals: in parallel. Each is one UpdateItem of ADDs, so nothing is lost to a concurrent change.
    await Promise.all(deltas.map((d) => this.addToTotal(d)));
  }

  private async addToTotal(d: TotalDelta): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const adds: string[] = [];
    const add = (attr: string, v: Dec | number) => {
      const i = adds.length;
      names[`#a${i}`] = attr;
      values[`:v${i}`] = typeof v === 'number' ? v : NumberValue.from(v.toFixed());
      adds.push(`#a${i} :v${i}`);
    };
    add('actual', d.actual);
    if (!d.pipeline.isZero()) add('pipeline', d.pipeline);
    if (d.skipped) add('skipped', d.skipped);
    for (const [by, v] of Object.entries(d.milestones)) add(`${MILESTONE}${by}`, v);
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: goalProgressKeys.total(d.goal, d.period, d.owner),
        UpdateExpression: `SET #t = :t, #g = :g, #p = :p, #o = :o ADD ${adds.join(', ')}`,
        ExpressionAttributeNames: { ...names, '#t': 'type', '#g': 'goal', '#p': 'period', '#o': 'owner' },
        ExpressionAttributeValues: {
          ...values,
          ':t': 'goal-total',
          ':g': d.goal,
          ':p': d.period,
          ':o': d.owner,
        },
      }),
    );
  }

  async total(goal: string, period: string, owner: string): Promise<StoredTotal | undefined> {
    const key = goalProgressKeys.total(goal, period, owner);
    const out = await this.doc.send(
      new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: key.pk }, sk: { S: key.sk } } }),
    );
    return out.Item ? totalOf(out.Item) : undefined;
  }

  /**
   * Replaces one record's contributions to one total (the recompute's repair after a disagreement), if the record
   * is still at `version`; its other contributions are left as they are. False when it moved on meanwhile.
   */
  async reseat(
    object: string,
    recordId: string,
    version: number,
    key: { goal: string; period: string; owner: string },
    fresh: readonly Contribution[],
  ): Promise<boolean> {
    const stored = await this.contribution(object, recordId);
    if (stored && stored.version > version) return false;
    const same = (c: Contribution) => c.goal === key.goal && c.period === key.period && c.owner === key.owner;
    const contributions = [...(stored?.contributions ?? []).filter((c) => !same(c)), ...fresh.filter(same)];
    return this.putContribution(object, recordId, { version, contributions }, stored?.version);
  }

  async cursor(run: string): Promise<RecomputeCursor | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: goalProgressKeys.recompute(run),
        ConsistentRead: true,
      }),
    );
    return out.Item
      ? {
          done: Number(out.Item.done),
          ...(out.Item.finishedAt ? { finishedAt: String(out.Item.finishedAt) } : {}),
        }
      : undefined;
  }

  /**
   * Whether the totals are complete: a recompute has finished at least once since incremental progress began
   * (records stored before it, or imported without events, are in the totals only from then on). Readers use the
   * stored totals only then, and read records before.
   */
  async ready(): Promise<boolean> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: goalProgressKeys.recompute(READY) }),
    );
    return out.Item !== undefined;
  }

  /** Many totals by `totalKey`, read in batches of 100 (absent totals are left out). */
  async totals(wanted: readonly TotalKey[]): Promise<Map<string, StoredTotal>> {
    const out = new Map<string, StoredTotal>();
    const unique = [...new Map(wanted.map((k) => [totalKey(k), k])).values()];
    for (let i = 0; i < unique.length; i += BATCH_GET) {
      let keys: Record<string, AttributeValue>[] | undefined = unique.slice(i, i + BATCH_GET).map((k) => {
        const key = goalProgressKeys.total(k.goal, k.period, k.owner);
        return { pk: { S: key.pk }, sk: { S: key.sk } };
      });
      for (let attempt = 0; keys?.length; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
        const page: BatchGetItemCommandOutput = await this.doc.send(
          new BatchGetItemCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }),
        );
        for (const item of page.Responses?.[this.tableName] ?? []) {
          const [, goal = '', period = ''] = /^GOALACTUAL#([^#]+)#(.+)$/.exec(item.pk?.S ?? '') ?? [];
          out.set(totalKey({ goal, period, owner: item.sk?.S ?? '' }), totalOf(item));
        }
        keys = page.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return out;
  }

  /** The `stored` source of GoalProgress (progress.ts) once the totals are complete; {} before. */
  async source(): Promise<{ stored?: (keys: readonly TotalKey[]) => Promise<Map<string, StoredTotal>> }> {
    return (await this.ready()) ? { stored: (keys) => this.totals(keys) } : {};
  }

  async saveCursor(run: string, cursor: RecomputeCursor): Promise<void> {
    if (cursor.finishedAt)
      await this.doc
        .send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...goalProgressKeys.recompute(READY),
              type: 'goal-recompute',
              firstRun: run,
              finishedAt: cursor.finishedAt,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        )
        .catch((err) => {
          if (!(err instanceof ConditionalCheckFailedException)) throw err;
        });
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...goalProgressKeys.recompute(run),
          type: 'goal-recompute',
          ...cursor,
          expiresAt: ttlFrom(this.now(), CURSOR_DAYS),
        },
      }),
    );
  }
}
