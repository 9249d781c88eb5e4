/**
 * ZohoReader's own decisions, with a fake records API: which modules an object maps back to, that each id is
 * looked for once, where deletions are searched for, and that failures are thrown rather than reported as absent.
 */
import { describe, expect, it } from 'vitest';
import { ZohoApiError } from '../../../shared/crm/zoho/errors';
import { DELETED_LOOKBACK_MS, ZohoReader } from '../../../shared/crm/zoho/reader';
import type { DeletedRecord, ZohoRecord, ZohoRecords } from '../../../shared/crm/zoho/records';

const MODIFIED = '2026-03-02T09:00:00+08:00';

class FakeRecords implements Pick<ZohoRecords, 'getByIds' | 'deleted'> {
  readonly calls: { op: string; module: string; ids?: readonly string[]; since?: Date | undefined }[] = [];
  constructor(
    private readonly live: Record<string, ZohoRecord[]>,
    private readonly bin: Record<string, DeletedRecord[]> = {},
    private readonly failure?: Error,
  ) {}

  async getByIds(module: string, ids: readonly string[]): Promise<ZohoRecord[]> {
    this.calls.push({ op: 'get', module, ids: [...ids] });
    if (this.failure) throw this.failure;
    return (this.live[module] ?? []).filter((r) => ids.includes(r.id));
  }

  async deleted(module: string, opts: { modifiedSince?: Date } = {}): Promise<DeletedRecord[]> {
    this.calls.push({ op: 'deleted', module, since: opts.modifiedSince });
    return this.bin[module] ?? [];
  }
}

const task = (id: string) => ({ id, Subject: `Call back ${id}`, Modified_Time: MODIFIED });

describe('ZohoReader', () => {
  it('looks for activities in each activity module of the tenant, asking later modules only for what is still missing', async () => {
    const records = new FakeRecords({ Tasks: [task('1')], Calls: [task('2')] });
    const reader = new ZohoReader({ records, modules: ['Deals', 'Tasks', 'Calls', 'Leads'] });

    const out = await reader.read('activity', ['1', '2', '2', '3']);

    expect([...out.keys()]).toEqual(['1', '2', '3']);
    expect(out.get('1')).toMatchObject({ deleted: false, record: { id: '1', name: 'Call back 1' } });
    expect(out.get('2')?.record.modifiedAt).toBe('2026-03-02T01:00:00.000Z');
    expect(out.get('3')).toBeUndefined();
    expect(records.calls.filter((c) => c.op === 'get')).toEqual([
      { op: 'get', module: 'Tasks', ids: ['1', '2', '3'] },
      { op: 'get', module: 'Calls', ids: ['2', '3'] },
    ]);
  });

  it('normalizes deals with the tenant stages and currency', async () => {
    const deal = {
      id: '9',
      Deal_Name: 'Renewal',
      Stage: 'Won (custom)',
      Amount: 1200.5,
      Modified_Time: MODIFIED,
    };
    const reader = new ZohoReader({
      records: new FakeRecords({ Deals: [deal] }),
      modules: ['Deals'],
      normalize: { wonStages: ['Won (custom)'], lostStages: [], defaultCurrency: 'CNY' },
    });
    expect((await reader.read('deal', ['9'])).get('9')?.record).toMatchObject({
      status: 'won',
      amount: '1200.5',
      currency: 'CNY',
    });
  });

  it('turns ids found in the recycle bin into tombstones at their deletion time, searching from before the receipt', async () => {
    const records = new FakeRecords(
      {},
      {
        Deals: [
          { id: '7', deleted_time: '2026-03-02T09:30:00+08:00' },
          { id: '8', deleted_time: MODIFIED },
        ],
      },
    );
    const since = new Date('2026-03-02T01:10:00Z');
    const reader = new ZohoReader({ records, modules: ['Deals'] });

    const out = await reader.read('deal', ['7', '6'], { since });

    expect(out.get('7')).toEqual({
      deleted: true,
      record: { id: '7', modifiedAt: '2026-03-02T01:30:00.000Z', fields: {} },
    });
    expect(out.get('6')).toBeUndefined();
    expect(out.has('8')).toBe(false);
    expect(records.calls.at(-1)?.since).toEqual(new Date(since.getTime() - DELETED_LOOKBACK_MS));
  });

  it('does not search the recycle bin when every id was found', async () => {
    const records = new FakeRecords({ Leads: [{ id: '5', Last_Name: 'Li', Modified_Time: MODIFIED }] });
    await new ZohoReader({ records, modules: ['Leads'] }).read('lead', ['5']);
    expect(records.calls.map((c) => c.op)).toEqual(['get']);
  });

  it('throws Zoho failures instead of reporting the records as absent', async () => {
    const failure = new ZohoApiError(500, 'INTERNAL_ERROR', 'boom', undefined, 'GET /crm/v8/Deals');
    const reader = new ZohoReader({ records: new FakeRecords({}, {}, failure), modules: ['Deals'] });
    await expect(reader.read('deal', ['1'])).rejects.toBe(failure);
  });

  it('refuses an object none of the tenant modules maps to', async () => {
    const reader = new ZohoReader({ records: new FakeRecords({}), modules: ['Deals'] });
    await expect(reader.read('contact', ['1'])).rejects.toThrow(
      /none of the tenant's Zoho modules maps to contact/,
    );
  });
});
