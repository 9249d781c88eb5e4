/**
 * The creation index (gsi2) on the local table: an owner's deals by creation time, read by one bounded Query; a
 * source without creation times keeps the first version's time through later edits; reassignment and deletion
 * move the record out of the owner's partition; `indexOwners` adds the index to records stored before it.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalRecord } from '../../../events';
import { RecordRepository, type StoredRecord } from '../../../shared/store/records';
import { keys } from '../../../shared/store/table-design';
import { type LocalTable, startLocalTable } from '../../support/local-aws';

let table: LocalTable;
let records: RecordRepository;
beforeAll(async () => {
  table = await startLocalTable('created-index');
  records = new RecordRepository(table.doc, table.tableName);
});
afterAll(async () => {
  await table?.stop();
});

const version = (record: CanonicalRecord, deleted = false): StoredRecord => ({
  object: 'deal',
  record,
  version: Date.parse(record.modifiedAt),
  deleted,
});
const deal = (id: string, modifiedAt: string, more: Partial<CanonicalRecord> = {}): CanonicalRecord => ({
  id,
  modifiedAt,
  owner: { id: 'li' },
  status: 'open',
  amount: '10.00',
  fields: {},
  ...more,
});
const MARCH = ['2026-02-28T16:00:00.000Z', '2026-03-31T15:59:59.999Z'] as const;
const ids = async (owner = 'li') => (await records.created('deal', owner, ...MARCH)).map((r) => r.id).sort();

describe('the creation index', () => {
  it('reads an owner’s deals by the source’s creation time, not the modification time', async () => {
    await records.upsert(
      version(deal('c1', '2026-04-02T00:00:00Z', { createdAt: '2026-03-10T00:00:00Z' })),
      () => [],
    );
    await records.upsert(
      version(deal('c2', '2026-03-05T00:00:00Z', { createdAt: '2026-02-20T00:00:00Z' })),
      () => [],
    );
    expect(await ids()).toEqual(['c1']);
    const [c1] = await records.created('deal', 'li', ...MARCH);
    expect(c1?.createdAt).toBe('2026-03-10T00:00:00Z');
  });

  it('without a creation time from the source, the first version seen stays the creation time', async () => {
    await records.upsert(version(deal('g1', '2026-03-30T10:00:00Z')), () => []);
    // Edited in April: still created in March.
    await records.upsert(version(deal('g1', '2026-04-03T10:00:00Z', { amount: '12.00' })), () => []);
    const found = (await records.created('deal', 'li', ...MARCH)).find((r) => r.id === 'g1');
    expect(found).toMatchObject({ amount: '12.00', createdAt: '2026-03-30T10:00:00.000Z' });
    expect((await records.get('deal', 'g1'))?.record.createdAt).toBeUndefined();
  });

  it('a reassigned deal leaves the old owner’s partition, a deleted one leaves the index', async () => {
    const created = { createdAt: '2026-03-12T00:00:00Z' };
    await records.upsert(version(deal('m1', '2026-03-12T00:00:00Z', created)), () => []);
    await records.upsert(version(deal('m2', '2026-03-12T00:00:00Z', created)), () => []);
    await records.upsert(
      version(deal('m1', '2026-03-13T00:00:00Z', { ...created, owner: { id: 'ann' } })),
      () => [],
    );
    await records.upsert(version(deal('m2', '2026-03-14T00:00:00Z', created), true), () => []);
    expect(await ids()).not.toContain('m1');
    expect(await ids()).not.toContain('m2');
    expect(await ids('ann')).toEqual(['m1']);
  });

  it('indexOwners adds the creation index to a deal stored before it', async () => {
    await records.upsert(version(deal('old', '2026-03-20T00:00:00Z')), () => []);
    await table.doc.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: keys.record('deal', 'old'),
        UpdateExpression: 'REMOVE gsi2pk, gsi2sk, createdAt',
      }),
    );
    expect(await ids()).not.toContain('old');
    expect(await records.indexOwners()).toBeGreaterThanOrEqual(1);
    expect(await ids()).toContain('old');
  });
});
