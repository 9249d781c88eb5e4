/**
 * What the digest reads through indexes that items stored before them lack: sequence enrolments without their
 * record owner (gsi2 ENROLOWNER#<owner>, the follow-up section's sequence figures) and archived deal stage events
 * without the stage index (gsi2 STAGEEVENTS#<month>, the typical time in stage). One page of one table Scan at a
 * time, so `quotaflow digest backfill` can show progress and resume from the cursor of the last page it finished.
 *
 * A Scan, and so a command a user runs once after upgrading rather than a step of a scheduled job: a scheduled
 * digest must read through indexes only. Items written since carry their index already, and an item indexed
 * meanwhile is left alone (conditional updates), so running it again, or from an older cursor, changes nothing.
 */
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { CrmObject } from '../../events';
import { codedError } from '../errors';
import type { Enrolment, EnrolmentRepository } from '../store/enrolments';
import { type EventArchive, STAGE_EVENT_TYPES } from '../store/event-archive';
import type { RecordRepository } from '../store/records';

export interface BackfillPage {
  scanned: number;
  /** Enrolments given their record's owner. */
  enrolments: number;
  /** Enrolments whose record has no owner (or is gone): nobody's sequence figures, as before. */
  unowned: number;
  stageEvents: number;
  /** Where the next page starts; absent after the last page. */
  cursor?: string;
}

/** A `--from` cursor this command did not print: the admin's argument is wrong; nothing was read or written. */
export class BackfillCursorError extends codedError('usage') {}

const encode = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString('base64url');
const decode = (cursor: string): Record<string, unknown> => {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof key === 'object' && key !== null && typeof key.pk === 'string') return key;
  } catch {
    // reported below
  }
  throw new BackfillCursorError(`--from ${cursor} is not a cursor this command printed`);
};

export const backfillPage = async (
  table: { doc: DynamoDBDocumentClient; tableName: string },
  stores: {
    records: Pick<RecordRepository, 'get'>;
    enrolments: Pick<EnrolmentRepository, 'indexOwner'>;
    archive: Pick<EventArchive, 'indexStageEvent'>;
  },
  cursor?: string,
  pageSize = 500,
): Promise<BackfillPage> => {
  const types = [...STAGE_EVENT_TYPES];
  const page = await table.doc.send(
    new ScanCommand({
      TableName: table.tableName,
      Limit: pageSize,
      FilterExpression: `attribute_not_exists(gsi2pk) AND (#t = :enrolment OR (#t = :event AND eventType IN (${types.map((_, i) => `:s${i}`).join(', ')})))`,
      ExpressionAttributeNames: { '#t': 'type' },
      ExpressionAttributeValues: {
        ':enrolment': 'enrolment',
        ':event': 'event',
        ...Object.fromEntries(types.map((t, i) => [`:s${i}`, t])),
      },
      ...(cursor ? { ExclusiveStartKey: decode(cursor) } : {}),
    }),
  );
  const out: BackfillPage = { scanned: page.ScannedCount ?? 0, enrolments: 0, unowned: 0, stageEvents: 0 };
  for (const item of page.Items ?? []) {
    if (item.type === 'event') {
      if (await stores.archive.indexStageEvent(item)) out.stageEvents++;
      continue;
    }
    const e = item as Enrolment;
    const owner = (await stores.records.get(e.object as CrmObject, e.recordId))?.record.owner?.id;
    if (!owner) out.unowned++;
    else if (await stores.enrolments.indexOwner(e, owner)) out.enrolments++;
  }
  if (page.LastEvaluatedKey) out.cursor = encode(page.LastEvaluatedKey);
  return out;
};
