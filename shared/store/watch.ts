/**
 * What the watchdog (functions/schedules/watchdog.ts) needs to notice that something stopped happening, kept cheap:
 *
 *   last delivery per provider    pk=WATCH  sk=DELIVERY#<provider>   { lastAt }
 *   last completed run per fixed  pk=WATCH  sk=RUN#<schedule>        { at, durationMs }
 *   schedule
 *   the watchdog's last report    pk=WATCH  sk=REPORT                { at, since, findings, metrics }
 *
 * The delivery mark is written by the ingest pipeline at most about once a minute per provider: each container
 * remembers when it last marked (no write at all within the minute), and the put is conditional on the stored mark
 * being older than a minute, so a burst of webhooks across many containers still writes about once a minute.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { WatchdogMetric } from '../watchdog/absence';

const PK = 'WATCH';
/** A delivery mark is refreshed at most this often per provider. */
export const DELIVERY_MARK_INTERVAL_MS = 60_000;

export interface ScheduleRun {
  schedule: string;
  at: string;
  durationMs: number;
}

export interface WatchdogRecord {
  /** When the watchdog last checked. */
  at: string;
  /** When it first checked: a schedule that never ran is overdue counting from here. */
  since: string;
  findings: string[];
  metrics: WatchdogMetric[];
}

export class WatchRepository {
  /** Per container: when this process last wrote each provider's mark. */
  private readonly marked = new Map<string, number>();

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Notes a delivery from `provider` at `at`. Returns whether it wrote; a mark younger than a minute (here or in the
   * table) is left as it is.
   */
  async markDelivery(provider: string, at: Date): Promise<boolean> {
    const last = this.marked.get(provider);
    if (last !== undefined && at.getTime() - last < DELIVERY_MARK_INTERVAL_MS) return false;
    this.marked.set(provider, at.getTime());
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: PK,
            sk: `DELIVERY#${provider}`,
            type: 'deliveryMark',
            provider,
            lastAt: at.toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR lastAt < :cutoff',
          ExpressionAttributeValues: {
            ':cutoff': new Date(at.getTime() - DELIVERY_MARK_INTERVAL_MS).toISOString(),
          },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /** The last delivery per provider, as marked. */
  async lastDeliveries(): Promise<{ provider: string; lastAt: string }[]> {
    return (await this.query('DELIVERY#')).map((i) => ({
      provider: String(i.provider),
      lastAt: String(i.lastAt),
    }));
  }

  async recordRun(run: ScheduleRun): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: PK, sk: `RUN#${run.schedule}`, type: 'scheduleRun', ...run },
      }),
    );
  }

  async lastRuns(): Promise<ScheduleRun[]> {
    return (await this.query('RUN#')).map((i) => ({
      schedule: String(i.schedule),
      at: String(i.at),
      durationMs: Number(i.durationMs),
    }));
  }

  async saveReport(record: WatchdogRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { pk: PK, sk: 'REPORT', type: 'watchdog', ...record } }),
    );
  }

  async report(): Promise<WatchdogRecord | undefined> {
    const res = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { pk: PK, sk: 'REPORT' }, ConsistentRead: true }),
    );
    if (!res.Item) return undefined;
    const { at, since, findings, metrics } = res.Item as WatchdogRecord;
    return { at, since, findings, metrics };
  }

  private async query(prefix: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': PK, ':prefix': prefix },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
