/**
 * The event archive on dynalite: stored once per event id (a redelivery is a no-op), one GSI1 partition per local
 * day of the tenant (Asia/Shanghai, and America/New_York across the spring DST change), read back per day in
 * occurredAt order; explain reads the effect ledger's real items by the plan's keys; dry-run writes nothing.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EffectLedger } from '../../../shared/effects/ledger';
import { EffectStates } from '../../../shared/store/effect-states';
import { EventArchive, localDaysBetween } from '../../../shared/store/event-archive';
import { keys } from '../../../shared/store/table-design';
import { dryRun } from '../../../shared/workflows/dry-run';
import { explainEvent, planEvent } from '../../../shared/workflows/explain-report';
import {
  countWrites,
  type LocalTable,
  performersFor,
  RecordingMailer,
  RecordingScheduler,
  startLocalTable,
  TestClock,
} from '../../support/local-aws';
import { deal, demoConfig, event, NO_REFUSALS, TENANT } from '../../unit/workflows/fixtures';

let table: LocalTable;
const clock = new TestClock('2026-03-20T02:00:00.000Z');

beforeAll(async () => {
  table = await startLocalTable('archive');
});
afterAll(async () => {
  await table?.stop();
});

const archiveIn = (timeZone: string, tableName = table.tableName) =>
  new EventArchive(table.doc, tableName, { timeZone, now: clock.now });

const at = (occurredAt: string, id: string, type = 'deal.won') =>
  event(type, deal({ id: `D-${id}`, status: 'won' }), { occurredAt, eventId: id });

const itemCount = async () => {
  let n = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await table.doc.send(
      new ScanCommand({ TableName: table.tableName, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    n += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return n;
};

describe('event archive', () => {
  it('stores an event once; a redelivery is a no-op that writes nothing new', async () => {
    const archive = archiveIn('Asia/Shanghai');
    const ev = at('2026-03-10T02:00:00.000Z', 'once-1');
    expect(await archive.put(ev)).toEqual({ stored: true, day: '2026-03-10' });
    const before = await itemCount();
    const redelivered = { ...ev, detail: { ...ev.detail, correlationId: 'a-retry' } };
    expect(await archive.put(redelivered)).toEqual({ stored: false, day: '2026-03-10' });
    expect(await itemCount()).toBe(before);
    expect((await archive.get('once-1'))?.detail.correlationId).toBe('corr-1');
    const item = await table.doc.send(
      new ScanCommand({
        TableName: table.tableName,
        FilterExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.archivedEvent('once-1').pk },
      }),
    );
    // kept 90 days from when it was archived (TTL in epoch seconds)
    expect(item.Items?.[0]?.expiresAt).toBe(Date.parse('2026-03-20T02:00:00.000Z') / 1000 + 90 * 86_400);
  });

  it('Asia/Shanghai: a day runs from 16:00 UTC the day before; events come back per local day, in order', async () => {
    const archive = archiveIn('Asia/Shanghai');
    const events = [
      at('2026-03-02T15:59:59.999Z', 'sh-c'), // 23:59:59 on 2 Mar in Shanghai
      at('2026-03-02T16:00:00.000Z', 'sh-d'), // 00:00 on 3 Mar
      at('2026-03-02T01:00:00+08:00', 'sh-a'), // an offset other than Z: 1 Mar 17:00 UTC, 2 Mar locally
      at('2026-03-02T09:00:00.000Z', 'sh-b'),
    ];
    const days = await Promise.all(events.map((e) => archive.put(e)));
    expect(days.map((d) => d.day)).toEqual(['2026-03-02', '2026-03-03', '2026-03-02', '2026-03-02']);
    const from = new Date('2026-03-01T16:00:00.000Z');
    const to = new Date('2026-03-03T16:00:00.000Z');
    expect(localDaysBetween(from, to, 'Asia/Shanghai')).toEqual(['2026-03-02', '2026-03-03']);
    const ids = async (day: string, f = from, t = to) =>
      (await archive.eventsOfDay(day, f, t)).map((e) => e.detail.eventId);
    expect(await ids('2026-03-02')).toEqual(['sh-a', 'sh-b', 'sh-c']);
    expect(await ids('2026-03-03')).toEqual(['sh-d']);
    // [from, to): an event exactly at `to` is left for the next window, one exactly at `from` is in.
    expect(
      await ids('2026-03-02', new Date('2026-03-01T17:00:00.000Z'), new Date('2026-03-02T15:59:59.999Z')),
    ).toEqual(['sh-a', 'sh-b']);
    expect((await archive.get('sh-a'))?.type).toBe('deal.won');
  });

  it('America/New_York across the spring DST change: 8 March is 23 hours long', async () => {
    const archive = archiveIn('America/New_York');
    const events = [
      at('2026-03-08T04:59:00.000Z', 'ny-a'), // 23:59 EST on 7 Mar
      at('2026-03-08T05:00:00.000Z', 'ny-b'), // 00:00 EST on 8 Mar
      at('2026-03-08T07:30:00.000Z', 'ny-c'), // 03:30 EDT on 8 Mar (02:00-03:00 does not exist)
      at('2026-03-09T03:59:00.000Z', 'ny-d'), // 23:59 EDT on 8 Mar
      at('2026-03-09T04:00:00.000Z', 'ny-e'), // 00:00 EDT on 9 Mar
    ];
    const days = [];
    for (const e of events) days.push((await archive.put(e)).day);
    expect(days).toEqual(['2026-03-07', '2026-03-08', '2026-03-08', '2026-03-08', '2026-03-09']);
    const from = new Date('2026-03-07T05:00:00.000Z');
    const to = new Date('2026-03-10T04:00:00.000Z');
    const all = [];
    for (const day of localDaysBetween(from, to, 'America/New_York'))
      all.push(...(await archive.eventsOfDay(day, from, to)).map((e) => e.detail.eventId));
    expect(all.filter((id) => id.startsWith('ny-'))).toEqual(['ny-a', 'ny-b', 'ny-c', 'ny-d', 'ny-e']);
    expect((await archive.eventsOfDay('2026-03-08', from, to)).map((e) => e.detail.eventId)).toEqual([
      'ny-b',
      'ny-c',
      'ny-d',
    ]);
  });

  it('an expired event (TTL not yet applied by the table) is not read', async () => {
    const archive = new EventArchive(table.doc, table.tableName, {
      timeZone: 'Asia/Shanghai',
      now: clock.now,
      retentionDays: 1,
    });
    await archive.put(at('2026-03-12T02:00:00.000Z', 'short-lived'));
    const later = new EventArchive(table.doc, table.tableName, {
      timeZone: 'Asia/Shanghai',
      now: () => new Date('2026-03-22T02:00:00.000Z'),
    });
    expect(await later.get('short-lived')).toBeUndefined();
    expect(
      await later.eventsOfDay(
        '2026-03-12',
        new Date('2026-03-11T16:00:00Z'),
        new Date('2026-03-12T16:00:00Z'),
      ),
    ).toEqual([]);
  });
});

describe('explain reads the ledger; dry-run writes nothing', () => {
  const cfg = demoConfig();
  const won = event('deal.won', deal({ id: 'D-77', status: 'won' }), {
    occurredAt: '2026-03-16T02:00:00.000Z',
    eventId: 'evt-won-77',
  });

  it('effects the ledger recorded show as done with their result, pending, skipped, scheduled or not yet', async () => {
    const plan = planEvent({ config: cfg, tenant: TENANT, event: won });
    const [mail, chat, note, checkIn] = plan.matched[0]?.plan.effects.map((e) => e.key) ?? [];
    const mailer = new RecordingMailer();
    const scheduler = new RecordingScheduler();
    const ledger = new EffectLedger(table.doc, table.tableName, performersFor(mailer, scheduler), clock.now);
    const email = {
      kind: 'workflow' as const,
      from: 'd@demo.example',
      to: ['li.lei@demo.quotaflow.dev'],
      subject: 's',
      html: 'h',
      text: 't',
    };
    await ledger.run({ key: mail as string, correlationId: 'c', payload: { kind: 'email', email } });
    mailer.failNext();
    await expect(
      ledger.run({ key: chat as string, correlationId: 'c', payload: { kind: 'email', email } }),
    ).rejects.toThrow();
    // A step the runner found stale, settled with its reason; a later step waiting on its one-time schedule.
    await ledger.settle(note as string, 'skipped: the deal is no longer won', 'c');
    const schedule = { name: 'qf-wf-check-in', at: '2026-03-23T02:00:00.000Z', payload: {} };
    await ledger.run({
      key: `${checkIn}#schedule`,
      correlationId: 'c',
      payload: { kind: 'schedule', schedule },
    });

    const r = await explainEvent(
      { config: cfg, tenant: TENANT, event: won },
      new EffectStates(table.doc, table.tableName),
    );
    expect(r.matched[0]?.effects.map((e) => e.ledger)).toEqual([
      expect.objectContaining({ state: 'done', result: 'test-message-1', attempts: 1 }),
      expect.objectContaining({ state: 'pending', attempts: 1 }),
      expect.objectContaining({ state: 'skipped', reason: 'the deal is no longer won' }),
      { state: 'scheduled', schedule: 'qf-wf-check-in' },
    ]);
    const other = event('deal.won', deal({ id: 'D-78', status: 'won' }), { eventId: 'evt-won-78' });
    const untouched = await explainEvent(
      { config: cfg, tenant: TENANT, event: other },
      new EffectStates(table.doc, table.tableName),
    );
    expect(untouched.matched[0]?.effects.map((e) => e.ledger?.state)).toEqual([
      'not_yet',
      'not_yet',
      'not_yet',
      'not_yet',
    ]);
  });

  it('a dry-run over the archive reads only: the table holds exactly as many items after as before', async () => {
    const archive = archiveIn('Asia/Shanghai');
    await archive.put({ type: won.type, detail: won.detail });
    await archive.put(
      event(
        'lead.created',
        deal({
          id: 'L-5',
          email: 'amy@example.com',
          stage: undefined,
          modifiedAt: '2026-03-17T02:00:00.000Z',
        }),
        {
          occurredAt: '2026-03-17T02:00:00.000Z',
          eventId: 'evt-lead-5',
          object: 'lead',
        },
      ),
    );
    const before = await itemCount();
    const writes = countWrites(table.doc);
    const r = await dryRun({
      config: cfg,
      tenant: TENANT,
      archive,
      checks: NO_REFUSALS,
      since: new Date('2026-03-13T02:00:00.000Z'),
      until: clock.now(),
    });
    expect(writes.writes).toBe(0);
    expect(await itemCount()).toBe(before);
    expect(r.events.map((e) => e.eventId)).toEqual(['evt-won-77', 'evt-lead-5']);
    expect(r.totals).toMatchObject({ emails: 5, enrolments: 1, chatNotifications: 2 });
  });
});
