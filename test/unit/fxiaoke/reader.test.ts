/**
 * FxiaokeReader's own decisions, with a fake client: the object it reads, tombstones for invalidated records, the
 * query by _id that decides "not found" after data/get refuses, and that transient failures are thrown untouched.
 */
import { describe, expect, it } from 'vitest';
import type { FxiaokeClient, ObjectData, QueryInput, QueryPage } from '../../../shared/crm/fxiaoke/client';
import { FxiaokeApiError } from '../../../shared/crm/fxiaoke/errors';
import type { NormalizeOptions } from '../../../shared/crm/fxiaoke/normalize';
import { FxiaokeReader } from '../../../shared/crm/fxiaoke/reader';

const OPTS: NormalizeOptions = {
  opportunityObject: 'OpportunityObj',
  stages: { won: ['5'], lost: ['6'] },
  timeZone: 'Asia/Shanghai',
  currency: 'CNY',
};
const MODIFIED = Date.parse('2026-03-02T01:00:00Z');
const notFound = () => new FxiaokeApiError('POST /cgi/crm/v2/data/get', 200, 10001, '数据不存在或已被删除');

class FakeClient implements Pick<FxiaokeClient, 'get' | 'query'> {
  readonly gets: { apiName: string; id: string }[] = [];
  readonly queries: QueryInput[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(
    private readonly data: Record<string, ObjectData>,
    private readonly getFailure: (id: string) => Error | undefined = (id) =>
      data[id] ? undefined : notFound(),
    private readonly queryable: Record<string, ObjectData> = {},
  ) {}

  async get(apiName: string, id: string): Promise<ObjectData> {
    this.gets.push({ apiName, id });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, 2));
    this.inFlight--;
    const failure = this.getFailure(id);
    if (failure) throw failure;
    return this.data[id] as ObjectData;
  }

  async query(_apiName: string, q: QueryInput = {}): Promise<QueryPage> {
    this.queries.push(q);
    const id = q.filters?.[0]?.field_values[0] ?? '';
    const hit = this.queryable[id];
    return { dataList: hit ? [hit] : [], offset: 0, limit: 1, total: 0 };
  }
}

const opportunity = (id: string, over: Record<string, unknown> = {}): ObjectData => ({
  _id: id,
  name: `商机 ${id}`,
  owner: ['1001'],
  last_modified_time: MODIFIED,
  sales_stage: '5',
  amount: '1000.00',
  life_status: 'normal',
  ...over,
});

describe('FxiaokeReader', () => {
  it('reads the tenant opportunity object and normalizes with its stages', async () => {
    const client = new FakeClient({ a: opportunity('a') });
    const out = await new FxiaokeReader({ client, normalize: OPTS }).read('deal', ['a']);
    expect(client.gets).toEqual([{ apiName: 'OpportunityObj', id: 'a' }]);
    expect(out.get('a')).toMatchObject({ deleted: false, record: { status: 'won', amount: '1000.00' } });
  });

  it('reports an invalidated (作废) record as deleted', async () => {
    const client = new FakeClient({ v: opportunity('v', { life_status: 'invalid' }) });
    expect((await new FxiaokeReader({ client, normalize: OPTS }).read('deal', ['v'])).get('v')?.deleted).toBe(
      true,
    );
  });

  it('after data/get refuses, a query by _id decides: no row is "not found", a deleted row a tombstone', async () => {
    const client = new FakeClient({}, undefined, { gone: opportunity('gone', { is_deleted: true }) });
    const out = await new FxiaokeReader({ client, normalize: OPTS }).read('deal', ['gone', 'never']);
    expect(out.get('gone')?.deleted).toBe(true);
    expect(out.has('never')).toBe(true);
    expect(out.get('never')).toBeUndefined();
    expect(client.queries.map((q) => q.filters)).toEqual([
      [{ field_name: '_id', operator: 'EQ', field_values: ['gone'] }],
      [{ field_name: '_id', operator: 'EQ', field_values: ['never'] }],
    ]);
  });

  it.each([
    ['HTTP 500', new FxiaokeApiError('POST /cgi/crm/v2/data/get', 500, undefined, 'HTTP 500')],
    ['busy', new FxiaokeApiError('POST /cgi/crm/v2/data/get', 200, -1, 'busy')],
    ['an expired token', new FxiaokeApiError('POST /cgi/crm/v2/data/get', 200, 20016, 'token')],
    ['no answer', new FxiaokeApiError('POST /cgi/crm/v2/data/get', 0, undefined, 'timeout')],
  ])('throws %s as it came, without asking the query', async (_, failure) => {
    const client = new FakeClient({}, () => failure);
    await expect(new FxiaokeReader({ client, normalize: OPTS }).read('deal', ['x'])).rejects.toBe(failure);
    expect(client.queries).toHaveLength(0);
  });

  it('reads a batch a few at a time, each id once', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `id${i}`);
    const client = new FakeClient(Object.fromEntries(ids.map((id) => [id, opportunity(id)])));
    const out = await new FxiaokeReader({ client, normalize: OPTS, concurrency: 3 }).read('deal', [
      ...ids,
      'id0',
    ]);
    expect(out.size).toBe(12);
    expect(client.gets).toHaveLength(12);
    expect(client.maxInFlight).toBe(3);
  });
});
