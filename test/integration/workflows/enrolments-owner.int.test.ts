/**
 * Sequence enrolments by the enrolled record's owner on dynalite: start() indexes an enrolment with an owner on
 * gsi2 (ENROLOWNER#<ownerId>, sorted by start time), ofOwner() reads one owner's from an instant on, with the
 * current status (a stop shows), and leaves out other owners, ownerless enrolments and expired items.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnrolmentRepository } from '../../../shared/store/enrolments';
import { type LocalTable, startLocalTable, TestClock } from '../../support/local-aws';

let table: LocalTable;
beforeAll(async () => {
  table = await startLocalTable('enrolments-owner');
});
afterAll(async () => {
  await table?.stop();
});

const base = { object: 'lead', sequence: 'nurture', version: 1, occurrence: 'once', workflow: 'wf' };

describe('enrolments by owner', () => {
  it('reads an owner’s enrolments started from an instant, oldest first, with their current status', async () => {
    const clock = new TestClock('2026-03-02T01:00:00.000Z');
    const repo = new EnrolmentRepository(table.doc, table.tableName, clock.now);
    await repo.start({ ...base, recordId: 'L-1', ownerId: 'u-li', address: 'A@example.cn' });
    clock.advance(new Date('2026-03-05T03:00:00.000Z'));
    await repo.start({ ...base, recordId: 'L-2', ownerId: 'u-li' });
    await repo.start({ ...base, recordId: 'L-3', ownerId: 'u-zhao' });
    await repo.start({ ...base, recordId: 'L-4' });
    clock.advance(new Date('2026-03-06T03:00:00.000Z'));
    expect(await repo.stop({ ...base, recordId: 'L-2' }, 'stop condition: replied')).toBe(true);

    const all = await repo.ofOwner('u-li', new Date('2026-01-01T00:00:00.000Z'));
    expect(all.map((e) => [e.recordId, e.status, e.ownerId, e.startedAt])).toEqual([
      ['L-1', 'active', 'u-li', '2026-03-02T01:00:00.000Z'],
      ['L-2', 'stopped', 'u-li', '2026-03-05T03:00:00.000Z'],
    ]);
    expect(all[1]?.stoppedReason).toBe('stop condition: replied');
    expect(all[1]?.stoppedAt).toBe('2026-03-06T03:00:00.000Z');
    // Bounded by the start instant: the earlier one is not read.
    expect((await repo.ofOwner('u-li', new Date('2026-03-03T00:00:00.000Z'))).map((e) => e.recordId)).toEqual(
      ['L-2'],
    );
    expect((await repo.ofOwner('u-zhao', new Date(0))).map((e) => e.recordId)).toEqual(['L-3']);
    // An enrolment of a record without an owner is in no owner's partition, and stays readable by record.
    expect((await repo.ofRecord('lead', 'L-4')).map((e) => e.ownerId)).toEqual([undefined]);
    // A second start of the same enrolment changes nothing, the index included.
    expect((await repo.start({ ...base, recordId: 'L-1', ownerId: 'u-zhao' })).started).toBe(false);
    expect((await repo.ofOwner('u-zhao', new Date(0))).map((e) => e.recordId)).toEqual(['L-3']);
  });

  it('leaves out enrolments past their retention (TTL deletes lazily, and not at all locally)', async () => {
    const clock = new TestClock('2026-03-02T01:00:00.000Z');
    const repo = new EnrolmentRepository(table.doc, table.tableName, clock.now);
    await repo.start({ ...base, recordId: 'L-9', ownerId: 'u-old' });
    expect((await repo.ofOwner('u-old', new Date(0))).map((e) => e.recordId)).toEqual(['L-9']);
    clock.advance(new Date('2027-04-10T00:00:00.000Z'));
    expect(await repo.ofOwner('u-old', new Date(0))).toEqual([]);
  });
});
