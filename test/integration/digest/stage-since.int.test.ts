/** The record store keeps when a deal entered its stage, and the owner index reads it with the deal. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalRecord } from '../../../events';
import { RecordRepository } from '../../../shared/store/records';
import { type LocalTable, startLocalTable } from '../../support/local-aws';

let table: LocalTable;
let records: RecordRepository;
beforeAll(async () => {
  table = await startLocalTable('stage-since');
  records = new RecordRepository(table.doc, table.tableName);
});
afterAll(async () => {
  await table?.stop();
});

const version = (modifiedAt: string, stage: string, over: Partial<CanonicalRecord> = {}) => ({
  object: 'deal' as const,
  record: {
    id: 'D-1',
    modifiedAt,
    owner: { id: 'u1' },
    stage,
    status: 'open' as const,
    closeDate: '2026-11-30',
    fields: {},
    ...over,
  },
  version: Date.parse(modifiedAt),
  deleted: false,
});

describe('stageSince', () => {
  it('starts with the first version, stays while the stage does, and restarts on a new stage', async () => {
    const since = async () =>
      (await records.ownedStored('deal', 'u1', '2026-01-01', '2026-12-31'))[0]?.stageSince;
    await records.upsert(version('2026-10-01T02:00:00.000Z', 'Proposal'), () => []);
    expect(await since()).toBe('2026-10-01T02:00:00.000Z');
    await records.upsert(version('2026-10-05T02:00:00.000Z', 'Proposal', { amount: '10.00' }), () => []);
    expect(await since()).toBe('2026-10-01T02:00:00.000Z');
    await records.upsert(version('2026-10-09T02:00:00.000Z', 'Negotiation'), () => []);
    expect(await since()).toBe('2026-10-09T02:00:00.000Z');
    // The stored record itself is what was sent: the time sits beside it.
    expect((await records.get('deal', 'D-1'))?.stageSince).toBeUndefined();
    expect(await records.owned('deal', 'u1', '2026-01-01', '2026-12-31')).toHaveLength(1);
  });
});
