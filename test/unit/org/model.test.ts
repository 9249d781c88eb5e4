import { describe, expect, it } from 'vitest';
import { orgConfigSchema } from '../../../shared/org/config';
import { buildOrg } from '../../../shared/org/model';
import type { CrmUser } from '../../../shared/sync/crm-users';

const users: CrmUser[] = [
  { id: 'm1', name: '李明', email: 'li.ming@demo.example', active: true },
  { id: 'u1', name: '王芳', active: true, managerId: 'm1' },
  { id: 'u2', name: '陈静', active: true, managerId: 'm1' },
  { id: 'u3', name: 'Emily Carter', active: true, managerId: 'm2' },
  { id: 'u4', name: 'Gone', active: false, managerId: 'm2' },
  { id: 'm2', name: 'Grace Lee', active: true },
];
const tenant = { timeZone: 'Asia/Shanghai', locale: 'zh-CN' as const };
const config = (value: unknown) => orgConfigSchema.parse(value);

describe('org model', () => {
  it('people from the CRM, with the org config filling in zone, locale and calendar', () => {
    const org = buildOrg({
      users,
      tenant,
      config: config({
        calendar: 'cn',
        people: { u3: { timeZone: 'America/New_York', locale: 'en', calendar: 'us' } },
      }),
    });
    expect(org.person('u1')).toEqual({
      id: 'u1',
      name: '王芳',
      locale: 'zh-CN',
      timeZone: 'Asia/Shanghai',
      calendar: 'cn',
      managerId: 'm1',
      active: true,
    });
    expect(org.person('u3')).toMatchObject({ timeZone: 'America/New_York', locale: 'en', calendar: 'us' });
  });

  it('defaults to one team per manager of their active direct reports', () => {
    const org = buildOrg({ users, tenant, config: config({}) });
    expect(org.teams('2026-10-01').map((t) => t.id)).toEqual(['reports:m1', 'reports:m2']);
    expect(org.members('reports:m2', '2026-10-01')).toEqual(['u3']);
    expect(org.team('reports:m1')?.name).toBe('李明');
    expect(org.teamMembers('2026-10-01')).toEqual(['u1', 'u2', 'u3']);
  });

  it('configured teams are effective-dated; a manager-only team is their direct reports', () => {
    const org = buildOrg({
      users,
      tenant,
      config: config({
        teams: {
          east: { name: '华东', managerId: 'm1' },
          west: { name: 'West', members: ['u3', { id: 'u1', from: '2026-10-16' }] },
        },
      }),
    });
    // m2 leads no configured team: their reports still form one.
    expect(org.teams('2026-10-01').map((t) => t.id)).toEqual(['east', 'reports:m2', 'west']);
    expect(org.members('east', '2026-10-01')).toEqual(['u1', 'u2']);
    expect(org.members('west', '2026-10-15')).toEqual(['u3']);
    expect(org.members('west', '2026-10-16')).toEqual(['u1', 'u3']);
    expect(org.membersDuring('west', '2026-10-01', '2026-10-31')).toEqual(['u1', 'u3']);
    expect(org.teamsOf('u1', '2026-10-20').map((t) => t.id)).toEqual(['east', 'west']);
  });

  it('an incentive plan file’s reps and teams fill in what the CRM and config lack, never typed again', () => {
    const org = buildOrg({
      users: users.filter((u) => u.id !== 'u2'),
      tenant,
      config: config({ directReportTeams: false }),
      plan: {
        reps: [{ id: 'u2', name: '陈静', locale: 'zh-CN', email: 'chen.jing@demo.example' }],
        teams: [{ id: 'east', managerId: 'm1', members: ['u1', 'u2'] }],
      },
    });
    expect(org.person('u2')).toMatchObject({ name: '陈静', email: 'chen.jing@demo.example', active: true });
    expect(org.teams('2026-10-01').map((t) => [t.id, t.source])).toEqual([['east', 'plan']]);
    expect(org.members('east', '2026-10-01')).toEqual(['u1', 'u2']);
  });
});
