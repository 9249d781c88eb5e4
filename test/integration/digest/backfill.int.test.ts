/**
 * `quotaflow digest backfill` on dynalite: enrolments stored before the owner index get their record's owner, and
 * stage events archived before the stage index get indexed (and the stage retention), page by page; an interrupted
 * run resumes from the cursor it printed, and a second run changes nothing.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackfill } from '../../../infra/cli/digest-backfill';
import type { DigestWiring } from '../../../infra/cli/digest-wiring';
import { backfillPage } from '../../../shared/digest/backfill';
import { EnrolmentRepository } from '../../../shared/store/enrolments';
import { EventArchive, STAGE_EVENT_RETENTION_DAYS } from '../../../shared/store/event-archive';
import { RecordRepository } from '../../../shared/store/records';
import { keys, ttlFrom } from '../../../shared/store/table-design';
import { type LocalTable, startLocalTable } from '../../support/local-aws';
import { terminal } from '../../support/terminal';
import { deal } from '../../unit/workflows/fixtures';

let table: LocalTable;
const NOW = new Date('2026-10-16T10:00:00.000Z');
const now = () => NOW;
beforeAll(async () => {
  table = await startLocalTable('digest-backfill');
});
afterAll(async () => {
  await table?.stop();
});

const lead = (id: string, owner?: string) => ({
  object: 'lead' as const,
  record: {
    id,
    modifiedAt: '2026-09-01T02:00:00.000Z',
    fields: {},
    ...(owner ? { owner: { id: owner } } : {}),
  },
  version: Date.parse('2026-09-01T02:00:00.000Z'),
  deleted: false,
});

describe('digest backfill', () => {
  it('gives old enrolments their owner and indexes old stage events, resumably and once', async () => {
    const records = new RecordRepository(table.doc, table.tableName);
    const enrolments = new EnrolmentRepository(
      table.doc,
      table.tableName,
      () => new Date('2026-10-01T02:00:00Z'),
    );
    const archive = new EventArchive(table.doc, table.tableName, { timeZone: 'Asia/Shanghai', now });
    for (const [id, owner] of [
      ['L-1', 'u1'],
      ['L-2', 'u1'],
      ['L-3', 'u2'],
      ['L-4', undefined],
    ] as const) {
      await records.upsert(lead(id, owner), () => []);
      // As stored before the owner index: no ownerId, no gsi2.
      await enrolments.start({
        object: 'lead',
        recordId: id,
        sequence: 'nurture',
        version: 1,
        occurrence: 'once',
        workflow: 'w',
      });
    }
    // A stage change archived before the stage index: its day partition only, and the 90-day retention.
    const occurredAt = '2026-09-30T17:00:00.000Z';
    const d = deal({ id: 'D-1', stage: 'Negotiation' });
    await table.doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          ...keys.archivedEvent('old-1'),
          type: 'event',
          eventType: 'deal.stage_changed',
          detail: {
            version: 1,
            eventId: 'old-1',
            tenantId: 'demo',
            object: 'deal',
            recordId: 'D-1',
            record: d,
            occurredAt,
            correlationId: 't',
            change: { from: 'Proposal', to: 'Negotiation' },
          },
          archivedAt: occurredAt,
          gsi1pk: keys.archivedEventDay('2026-10-01'),
          gsi1sk: `${occurredAt}#old-1`,
          expiresAt: ttlFrom(new Date(occurredAt), 90),
        },
      }),
    );
    expect(await enrolments.ofOwner('u1', new Date('2026-01-01T00:00:00Z'))).toEqual([]);
    expect(await archive.stageEvents(new Date('2026-09-01T00:00:00Z'), NOW)).toEqual([]);

    // Interrupted after a first small page: the cursor it gives resumes the run.
    const first = await backfillPage(table, { records, enrolments, archive }, undefined, 3);
    expect(first.cursor).toEqual(expect.any(String));
    const w = {
      doc: table.doc,
      tableName: table.tableName,
      records,
      tenant: { timeZone: 'Asia/Shanghai' },
      now,
    } as unknown as DigestWiring;
    const rest = terminal();
    expect(await runBackfill({ tenant: 'demo', from: first.cursor, json: true }, w, rest.term)).toBe(0);
    const totals = JSON.parse(rest.t.out);
    expect(first.enrolments + totals.enrolments).toBe(3);
    expect(first.unowned + totals.unowned).toBe(1);
    expect(first.stageEvents + totals.stageEvents).toBe(1);
    expect(rest.t.err).toMatch(/scanned \d+ item\(s\): \d+ enrolment\(s\) given their owner/);

    const from = new Date('2026-01-01T00:00:00Z');
    expect((await enrolments.ofOwner('u1', from)).map((e) => [e.recordId, e.ownerId])).toEqual([
      ['L-1', 'u1'],
      ['L-2', 'u1'],
    ]);
    expect((await enrolments.ofOwner('u2', from)).map((e) => e.recordId)).toEqual(['L-3']);
    expect(await archive.stageEvents(new Date('2026-09-01T00:00:00Z'), NOW)).toEqual([
      {
        type: 'deal.stage_changed',
        recordId: 'D-1',
        occurredAt,
        stage: 'Negotiation',
        change: { from: 'Proposal', to: 'Negotiation' },
      },
    ]);
    // 120 days after it was archived, past the 90 days it had: still there, for the 180-day stage history.
    const later = new EventArchive(table.doc, table.tableName, {
      timeZone: 'Asia/Shanghai',
      now: () => new Date(Date.parse(occurredAt) + 120 * 86_400_000),
    });
    expect(await later.stageEvents(new Date('2026-09-01T00:00:00Z'), NOW)).toHaveLength(1);
    expect(STAGE_EVENT_RETENTION_DAYS).toBe(180);

    // From the start again: nothing left to do.
    const again = terminal();
    expect(await runBackfill({ tenant: 'demo', json: true }, w, again.term)).toBe(0);
    expect(JSON.parse(again.t.out)).toMatchObject({ enrolments: 0, stageEvents: 0, unowned: 1 });
    // A cursor it never printed is a usage error.
    const bad = terminal();
    expect(await runBackfill({ tenant: 'demo', from: 'not-a-cursor' }, w, bad.term)).toBe(2);
    expect(bad.t.err).toContain('--from not-a-cursor is not a cursor this command printed');
  });
});
