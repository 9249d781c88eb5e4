/**
 * Typical time in stage over 180 days on dynalite: the archive keeps deal stage events 180 days (other events 90),
 * indexes them by local month, and the stage history reads them back across months in occurredAt order, so a stay
 * that began four months ago still counts when every other event of that day has expired.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageTimesFromArchive } from '../../../shared/digest/stage-history';
import {
  EVENT_ARCHIVE_RETENTION_DAYS,
  EventArchive,
  STAGE_EVENT_RETENTION_DAYS,
} from '../../../shared/store/event-archive';
import { keys } from '../../../shared/store/table-design';
import { type LocalTable, startLocalTable, TestClock } from '../../support/local-aws';
import { deal, event } from '../../unit/workflows/fixtures';

let table: LocalTable;
const clock = new TestClock('2026-04-01T02:00:00.000Z');
beforeAll(async () => {
  table = await startLocalTable('stage-history');
});
afterAll(async () => {
  await table?.stop();
});

const DAY = 86_400_000;
const expiresAt = async (eventId: string) =>
  (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: keys.archivedEvent(eventId) })))
    .Item?.expiresAt as number;

describe('stage history', () => {
  it('keeps stage events 180 days and reads them by month, while other events go after 90', async () => {
    const archive = new EventArchive(table.doc, table.tableName, {
      timeZone: 'Asia/Shanghai',
      now: clock.now,
    });
    // Five deals enter Proposal on 1 April (Shanghai); each leaves it 10, 20, 30, 40 and 50 days later.
    const d = (i: number) => deal({ id: `D-${i}`, stage: 'Proposal' });
    for (let i = 1; i <= 5; i++)
      await archive.put(
        event('deal.created', d(i), { occurredAt: clock.now().toISOString(), eventId: `c${i}` }),
      );
    await archive.put(event('deal.won', deal({ id: 'D-9', status: 'won' }), { eventId: 'w9' }));
    for (let i = 1; i <= 5; i++) {
      clock.advance(new Date(Date.parse('2026-04-01T02:00:00.000Z') + i * 10 * DAY));
      await archive.put(
        event(
          'deal.stage_changed',
          { ...d(i), stage: 'Negotiation' },
          {
            occurredAt: clock.now().toISOString(),
            eventId: `s${i}`,
            change: { from: 'Proposal', to: 'Negotiation' },
          },
        ),
      );
    }
    const archivedAt = Date.parse('2026-04-01T02:00:00.000Z') / 1000;
    expect(await expiresAt('c1')).toBe(archivedAt + STAGE_EVENT_RETENTION_DAYS * 86_400);
    expect(await expiresAt('w9')).toBe(archivedAt + EVENT_ARCHIVE_RETENTION_DAYS * 86_400);

    // 150 days on: the day's other event has expired, its stage events have not.
    const asOf = new Date('2026-08-29T02:00:00.000Z');
    clock.advance(asOf);
    expect(await archive.eventsOfDay('2026-04-01', new Date('2026-03-31T16:00:00Z'), asOf)).toHaveLength(5);
    const read = await archive.stageEvents(new Date('2026-03-01T00:00:00Z'), asOf);
    expect(read.map((e) => e.recordId.slice(2) + e.type.slice(5, 6))).toEqual([
      ...['1c', '2c', '3c', '4c', '5c'],
      ...['1s', '2s', '3s', '4s', '5s'],
    ]);
    expect(read.find((e) => e.type === 'deal.created')).toMatchObject({ stage: 'Proposal' });
    expect(await stageTimesFromArchive((f, t) => archive.stageEvents(f, t), 'Asia/Shanghai', asOf)).toEqual(
      new Map([['Proposal', { days: '30', samples: 5 }]]),
    );
    // Past 180 days, the April stays have left the history.
    const later = new Date('2026-10-05T02:00:00.000Z');
    clock.advance(later);
    expect(await stageTimesFromArchive((f, t) => archive.stageEvents(f, t), 'Asia/Shanghai', later)).toEqual(
      new Map(),
    );
  });
});
