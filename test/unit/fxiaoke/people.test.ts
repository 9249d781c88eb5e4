import { describe, expect, it } from 'vitest';
import { FxiaokeDirectory } from '../../../shared/crm/fxiaoke/people';

type Query = { filters?: { field_name: string; operator: string; field_values: unknown[] }[] };

const personnel = [
  { user_id: '1000', name: '刘洋', email: 'liu.yang@example.cn' },
  { user_id: '1001', name: '张伟', email: 'zhang.wei@example.cn', leader: ['1000'] },
  { user_id: '1002', name: '王芳', leader: ['1000'] },
];

const fakeClient = () => {
  const calls: string[][] = [];
  return {
    calls,
    query: async (_api: string, q: Query = {}) => {
      const ids = (q.filters?.[0]?.field_values ?? []) as string[];
      calls.push(ids);
      return { dataList: personnel.filter((p) => ids.includes(p.user_id)), total: undefined } as never;
    },
  };
};

describe('FxiaokeDirectory', () => {
  it("resolves an owner's name, email and manager's email from PersonnelObj", async () => {
    const client = fakeClient();
    const dir = new FxiaokeDirectory(client, () => 0);
    expect(await dir.people(['1001'])).toEqual({
      '1001': { name: '张伟', email: 'zhang.wei@example.cn', managerEmail: 'liu.yang@example.cn' },
    });
    // One query for the owner, one for the leader it names.
    expect(client.calls).toEqual([['1001'], ['1000']]);
  });

  it('caches people, including ids that do not exist, for an hour', async () => {
    const client = fakeClient();
    let now = 0;
    const dir = new FxiaokeDirectory(client, () => now);
    await dir.people(['1002', '9999']);
    const afterFirst = client.calls.length;
    expect(await dir.people(['1002', '9999'])).toEqual({
      '1002': { name: '王芳', managerEmail: 'liu.yang@example.cn' },
    });
    expect(client.calls.length).toBe(afterFirst);
    now = 60 * 60 * 1000 + 1;
    await dir.people(['1002']);
    expect(client.calls.length).toBeGreaterThan(afterFirst);
  });
});
