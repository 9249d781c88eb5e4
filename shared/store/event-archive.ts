/**
 * The event archive: every domain event, stored once for a retention period (90 days by default, TTL), so that
 * "why did this fire?" can be asked about any recent event and a changed workflow can be replayed over real history
 * (shared/workflows/explain-report.ts, dry-run.ts).
 *
 * One item per event id, written with a conditional put: a redelivered event is a no-op. Each item also sits in a
 * GSI1 partition per local day of its occurredAt in the tenant's zone, sorted by occurredAt, so "the events of the
 * last N days" is one Query per local day, in order. A day partition holds one tenant's events of one day (the table
 * is the tenant's), well inside a partition's write rate for a sales team's CRM traffic.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DomainEventDetail } from '../../events';
// The dependency-free date helpers (the workflow calendar would bring the holiday data into every sync bundle).
import { addDays, localDate } from '../incentives/periods';
import { isExpired, keys, TABLE, ttlFrom } from './table-design';

export const EVENT_ARCHIVE_RETENTION_DAYS = 90;
/**
 * Deal stage events (a deal created in a stage, a stage change) are kept this long instead, because the manager
 * digest's "typical time in stage" is the median over the last 180 days; they are also indexed by local month
 * (gsi2 STAGEEVENTS#<yyyy-mm>), so that median reads these events only, not every event of 180 days.
 */
export const STAGE_EVENT_RETENTION_DAYS = 180;
export const STAGE_EVENT_TYPES: ReadonlySet<string> = new Set(['deal.created', 'deal.stage_changed']);

/** The stage index and retention of an archived event of this type (none for other types). */
export const stageEventIndex = (type: string, localDay: string, occurredAt: string, eventId: string) =>
  STAGE_EVENT_TYPES.has(type)
    ? { gsi2pk: keys.stageEventsMonth(localDay.slice(0, 7)), gsi2sk: `${occurredAt}#${eventId}` }
    : {};

/** A domain event as it travelled: the bus detail-type and the detail. */
export interface ArchivedEvent {
  type: string;
  detail: DomainEventDetail;
}

/** What the explain and dry-run logic read; the repository below implements it on the tenant table. */
export interface EventArchiveReader {
  get(eventId: string): Promise<ArchivedEvent | undefined>;
  /** The events of one local day with occurredAt in [from, to), oldest first. */
  eventsOfDay(localDate: string, from: Date, to: Date): Promise<ArchivedEvent[]>;
}

/** A deal stage event as the stage history reads it: what stage it entered or left, and when. */
export interface StageEvent {
  type: 'deal.created' | 'deal.stage_changed';
  recordId: string;
  occurredAt: string;
  /** The stage a created deal starts in. */
  stage?: string;
  change?: { from: string | null; to: string | null };
}

/** The stage event an archived deal event is, if it is one (what `stageEvents` reads of it). */
export const stageEventOf = (e: ArchivedEvent): StageEvent | undefined => {
  if (!STAGE_EVENT_TYPES.has(e.type) || e.detail.object !== 'deal') return undefined;
  const change = (e.detail as { change?: StageEvent['change'] }).change;
  return {
    type: e.type as StageEvent['type'],
    recordId: e.detail.recordId,
    occurredAt: e.detail.occurredAt,
    ...(e.detail.record.stage ? { stage: e.detail.record.stage } : {}),
    ...(change ? { change } : {}),
  };
};

/** Sorts like the instant it names: ISO-8601 UTC with milliseconds, whatever offset the event carried. */
const utc = (iso: string): string => new Date(iso).toISOString();

/** The tenant's local dates that [since, until) touches, oldest first. */
export const localDaysBetween = (since: Date, until: Date, timeZone: string): string[] => {
  if (until.getTime() <= since.getTime()) return [];
  const last = localDate(new Date(until.getTime() - 1).toISOString(), timeZone);
  const days: string[] = [];
  for (let d = localDate(since.toISOString(), timeZone); d <= last; d = addDays(d, 1)) days.push(d);
  return days;
};

export class EventArchive implements EventArchiveReader {
  private readonly retentionDays: number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly opts: { timeZone: string; now: () => Date; retentionDays?: number },
  ) {
    this.retentionDays = opts.retentionDays ?? EVENT_ARCHIVE_RETENTION_DAYS;
  }

  /** Stores the event unless its id is stored already; `stored: false` is a redelivery. */
  async put(event: ArchivedEvent): Promise<{ stored: boolean; day: string }> {
    const { detail } = event;
    const occurredAt = utc(detail.occurredAt);
    const day = localDate(occurredAt, this.opts.timeZone);
    const now = this.opts.now();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.archivedEvent(detail.eventId),
            type: 'event',
            eventType: event.type,
            detail,
            archivedAt: now.toISOString(),
            gsi1pk: keys.archivedEventDay(day),
            gsi1sk: `${occurredAt}#${detail.eventId}`,
            ...stageEventIndex(event.type, day, occurredAt, detail.eventId),
            // Counted from when it was archived: an event replayed late is still kept for the whole period.
            expiresAt: ttlFrom(
              now,
              STAGE_EVENT_TYPES.has(event.type)
                ? Math.max(this.retentionDays, STAGE_EVENT_RETENTION_DAYS)
                : this.retentionDays,
            ),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { stored: true, day };
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return { stored: false, day };
      throw err;
    }
  }

  async get(eventId: string): Promise<ArchivedEvent | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.archivedEvent(eventId) }),
    );
    return out.Item && !isExpired(out.Item, this.opts.now()) ? toEvent(out.Item) : undefined;
  }

  async eventsOfDay(localDate: string, from: Date, to: Date): Promise<ArchivedEvent[]> {
    const events: ArchivedEvent[] = [];
    const now = this.opts.now();
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: TABLE.gsi1.name,
          // Sort keys are "<instant>#<id>": "<from>" sorts before them all at `from`, "<to>" after none at `to`,
          // so BETWEEN (inclusive) selects [from, to) exactly.
          KeyConditionExpression: 'gsi1pk = :day AND gsi1sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':day': keys.archivedEventDay(localDate),
            ':from': from.toISOString(),
            ':to': to.toISOString(),
          },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of out.Items ?? []) if (!isExpired(item, now)) events.push(toEvent(item));
      start = out.LastEvaluatedKey;
    } while (start);
    return events;
  }

  /**
   * Indexes a stage event archived before the stage index existed, and keeps it the stage events' retention from when
   * it was archived. False when it is not a stage event, or is indexed already.
   */
  async indexStageEvent(item: Record<string, unknown>): Promise<boolean> {
    const type = String(item.eventType);
    const day = String(item.gsi1pk ?? '').replace(/^EVENTDAY#/, '');
    const [occurredAt] = String(item.gsi1sk ?? '').split('#');
    const eventId = (item.detail as { eventId?: string } | undefined)?.eventId;
    const index = stageEventIndex(type, day, occurredAt ?? '', eventId ?? '');
    if (!('gsi2pk' in index) || !eventId || !occurredAt || !day) return false;
    const archivedAt = new Date(String(item.archivedAt));
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.archivedEvent(eventId),
          UpdateExpression: 'SET gsi2pk = :pk, gsi2sk = :sk, expiresAt = :exp',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(gsi2pk)',
          ExpressionAttributeValues: {
            ':pk': index.gsi2pk,
            ':sk': index.gsi2sk,
            ':exp': ttlFrom(archivedAt, Math.max(this.retentionDays, STAGE_EVENT_RETENTION_DAYS)),
          },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /**
   * The deal stage events with occurredAt in [from, to), oldest first: one Query per local month on the stage index,
   * reading only the attributes the stage history needs.
   */
  async stageEvents(from: Date, to: Date): Promise<StageEvent[]> {
    const now = this.opts.now();
    const months = [...new Set(localDaysBetween(from, to, this.opts.timeZone).map((d) => d.slice(0, 7)))];
    const read = async (month: string) => {
      const events: StageEvent[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: TABLE.gsi2.name,
            KeyConditionExpression: 'gsi2pk = :m AND gsi2sk BETWEEN :from AND :to',
            ProjectionExpression: 'eventType, expiresAt, #d.recordId, #d.occurredAt, #d.#c, #d.#r.#s',
            ExpressionAttributeNames: { '#d': 'detail', '#c': 'change', '#r': 'record', '#s': 'stage' },
            ExpressionAttributeValues: {
              ':m': keys.stageEventsMonth(month),
              ':from': from.toISOString(),
              ':to': to.toISOString(),
            },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of out.Items ?? []) {
          if (isExpired(item, now)) continue;
          const d = item.detail as {
            recordId: string;
            occurredAt: string;
            change?: StageEvent['change'];
            record?: { stage?: string };
          };
          events.push({
            type: item.eventType as StageEvent['type'],
            recordId: d.recordId,
            occurredAt: d.occurredAt,
            ...(d.record?.stage ? { stage: d.record.stage } : {}),
            ...(d.change ? { change: d.change } : {}),
          });
        }
        start = out.LastEvaluatedKey;
      } while (start);
      return events;
    };
    return (await Promise.all(months.map(read))).flat();
  }
}

const toEvent = (item: Record<string, unknown>): ArchivedEvent => ({
  type: String(item.eventType),
  detail: item.detail as DomainEventDetail,
});
