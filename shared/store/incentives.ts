/**
 * Incentive storage: frozen period statements, period-close markers and daily accrual snapshots, plus the read of
 * the canonical deals the sync keeps (records.ts writes them; this only reads).
 *
 * A close writes one item per (period, rep) with a conditional put, then the period's marker, last, with a
 * conditional put too. The marker is the commit: it names the close (closeId, a digest of every statement's
 * content hash) whose items are the period's statements, so a close that fails half-way leaves nothing that is read
 * (the period is still open; running it again completes it), and two closes racing cannot mix their items (their
 * closeIds differ; one marker wins). Statement bodies are gzipped JSON (an item holds at most 400 KB).
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { codedError } from '../errors';
import type { AccrualSummary } from '../incentives/accrual';
import { IncentiveConflictError, IncentiveInputError, type Problem } from '../incentives/errors';
import type { CloseMarker, FreezeOutcome, IncentiveStorePort } from '../incentives/runs';
import type { SourceDeal } from '../incentives/source';
import { type Statement, verifyStatement } from '../incentives/statement';
import { incentiveKeys, keys } from './table-design';

/** Below DynamoDB's 400 KB item limit with room for the other attributes. */
export const MAX_BODY_BYTES = 350_000;
const WRITE_CONCURRENCY = 16;

/** The digest naming one close: every (rep, hash) of the period, in rep order. */
export const closeIdOf = (periodKey: string, statements: readonly Statement[]): string => {
  const h = createHash('sha256').update(`${periodKey}\n`);
  for (const s of [...statements].sort((a, b) => (a.repId < b.repId ? -1 : a.repId > b.repId ? 1 : 0)))
    h.update(`${s.repId} ${s.hash}\n`);
  return h.digest('hex').slice(0, 32);
};

/** Stored statements failed their content hash or do not add up to their close: never used as they are. */
export class CorruptStatementError extends codedError('corrupt_state') {
  override readonly name = 'CorruptStatementError';
}

const pool = async <T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, items.length) }, worker));
};

export class IncentiveRepository implements IncentiveStorePort {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Every closed period, oldest first by key ("2025-03" < "2025-Q1" < "2025-04" is fine: compared per kind). */
  async closes(): Promise<CloseMarker[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': incentiveKeys.closes },
    });
    return items.map(toMarker);
  }

  async close(periodKey: string): Promise<CloseMarker | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: incentiveKeys.close(periodKey),
        ConsistentRead: true,
      }),
    );
    return out.Item ? toMarker(out.Item) : undefined;
  }

  /** The period's frozen statements (empty when it is not closed), each checked against its content hash. */
  async statements(periodKey: string): Promise<Statement[]> {
    const marker = await this.close(periodKey);
    if (!marker) return [];
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :close)',
      ExpressionAttributeValues: {
        ':pk': incentiveKeys.statements(periodKey),
        ':close': `${marker.closeId}#`,
      },
    });
    const statements = items.map((i) => decode(i, periodKey));
    if (statements.length !== marker.statements || closeIdOf(periodKey, statements) !== marker.closeId)
      throw new CorruptStatementError(
        `period ${periodKey}: ${statements.length} stored statements do not match close ${marker.closeId} (${marker.statements} statements)`,
      );
    return statements;
  }

  /** One rep's frozen statement; undefined when the period is not closed or the rep has none in it. */
  async statement(periodKey: string, repId: string): Promise<Statement | undefined> {
    const marker = await this.close(periodKey);
    if (!marker) return undefined;
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: incentiveKeys.statement(periodKey, marker.closeId, repId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? decode(out.Item, periodKey) : undefined;
  }

  /**
   * Freezes a period's statements. Identical content to a stored close → 'already-closed', nothing written; other
   * content → IncentiveConflictError naming the period. Every body is encoded (and size-checked) before the first
   * write, and the marker goes last, so a failure leaves the period open with nothing read from the attempt.
   */
  async freeze(periodKey: string, statements: readonly Statement[], now: Date): Promise<FreezeOutcome> {
    const closeId = closeIdOf(periodKey, statements);
    const existing = await this.close(periodKey);
    if (existing) return settled(existing, closeId);
    const problems: Problem[] = [];
    const items = statements.map((s) => {
      if (s.periodKey !== periodKey)
        problems.push({
          path: `statements.${s.repId}`,
          message: `belongs to ${s.periodKey}, not ${periodKey}`,
        });
      const body = gzipSync(Buffer.from(JSON.stringify(s)));
      if (body.length > MAX_BODY_BYTES)
        problems.push({
          path: `statements.${s.repId}`,
          message: `is ${Math.ceil(body.length / 1024)} KB compressed, over the ${MAX_BODY_BYTES / 1000} KB a stored statement may take`,
        });
      return {
        ...incentiveKeys.statement(periodKey, closeId, s.repId),
        type: 'incentiveStatement',
        periodKey,
        repId: s.repId,
        closeId,
        hash: s.hash,
        currency: s.currency,
        payable: s.totals.payable,
        body,
      };
    });
    if (problems.length) throw new IncentiveInputError(`close ${periodKey}`, problems);
    await pool(items, async (Item) => {
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item,
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (err) {
        // Written by an earlier attempt of this same close (same closeId, so the same content): keep it.
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    });
    const marker: CloseMarker = { periodKey, closeId, closedAt: now.toISOString(), statements: items.length };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...incentiveKeys.close(periodKey), type: 'incentiveClose', ...marker },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const winner = await this.close(periodKey);
      if (!winner) throw err;
      return settled(winner, closeId);
    }
    return { outcome: 'closed', marker };
  }

  /** One snapshot per (period, local date, rep); a re-run the same day replaces that day's snapshot. */
  async putAccruals(date: string, summaries: readonly AccrualSummary[], now: Date): Promise<void> {
    const requests = summaries.map((a) => ({
      PutRequest: {
        Item: {
          ...incentiveKeys.accrual(a.periodKey, date, a.repId),
          type: 'incentiveAccrual',
          date,
          at: now.toISOString(),
          summary: a,
        },
      },
    }));
    for (let i = 0; i < requests.length; i += 25) {
      let batch: Record<string, unknown>[] = requests.slice(i, i + 25);
      for (let attempt = 0; batch.length > 0; attempt++) {
        if (attempt > 8) throw new Error(`accrual snapshots for ${date}: DynamoDB kept items unprocessed`);
        if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        const out = await this.doc.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: batch as never } }),
        );
        batch = (out.UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
      }
    }
  }

  /** Snapshots of a period; of one local date when given, else every day (oldest first). */
  async accruals(periodKey: string, date?: string): Promise<(AccrualSummary & { date: string })[]> {
    const items = await this.queryAll({
      KeyConditionExpression: date ? 'pk = :pk AND begins_with(sk, :d)' : 'pk = :pk',
      ExpressionAttributeValues: {
        ':pk': incentiveKeys.accruals(periodKey),
        ...(date ? { ':d': `${date}#` } : {}),
      },
    });
    return items.map((i) => ({ ...(i.summary as AccrualSummary), date: String(i.date) }));
  }

  /**
   * The canonical deals the sync stored (tombstones included: a deleted won deal is a reversal), optionally only
   * those whose source version (modification time) is at or after `modifiedSince`. A scan: a close reads a
   * tenant's deals once per period.
   */
  async deals(modifiedSince?: Date): Promise<SourceDeal[]> {
    const out: SourceDeal[] = [];
    const prefix = keys.record('deal', '').pk;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: modifiedSince
            ? 'begins_with(pk, :p) AND version >= :since'
            : 'begins_with(pk, :p)',
          ProjectionExpression: '#d',
          ExpressionAttributeNames: { '#d': 'data' },
          ExpressionAttributeValues: {
            ':p': prefix,
            ...(modifiedSince ? { ':since': modifiedSince.getTime() } : {}),
          },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const d = item.data as SourceDeal | undefined;
        if (d?.record) out.push({ record: d.record, deleted: !!d.deleted });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  private async queryAll(
    q: Pick<
      ConstructorParameters<typeof QueryCommand>[0],
      'KeyConditionExpression' | 'ExpressionAttributeValues'
    >,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          ConsistentRead: true,
          ...q,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

const toMarker = (i: Record<string, unknown>): CloseMarker => ({
  periodKey: String(i.periodKey),
  closeId: String(i.closeId),
  closedAt: String(i.closedAt),
  statements: Number(i.statements),
});

const settled = (existing: CloseMarker, closeId: string): FreezeOutcome => {
  if (existing.closeId === closeId) return { outcome: 'already-closed', marker: existing };
  throw new IncentiveConflictError(
    `period ${existing.periodKey} is already closed (at ${existing.closedAt}, ${existing.statements} statements, close ${existing.closeId}) and this run's statements differ (close ${closeId}); a closed period is frozen: later changes to its deals appear as adjustments when the next period closes`,
    { periodKey: existing.periodKey, closeId: existing.closeId },
  );
};

const decode = (item: Record<string, unknown>, periodKey: string): Statement => {
  const body = item.body as Uint8Array | undefined;
  if (!body)
    throw new CorruptStatementError(`period ${periodKey}: statement item ${String(item.sk)} has no body`);
  const s = JSON.parse(gunzipSync(body).toString('utf8')) as Statement;
  if (!verifyStatement(s) || s.hash !== item.hash)
    throw new CorruptStatementError(
      `period ${periodKey}: the stored statement of ${String(item.repId)} no longer matches its content hash ${String(item.hash).slice(0, 16)}`,
    );
  return s;
};
