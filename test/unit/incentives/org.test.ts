/**
 * Incentives read people and teams from the one org model: what the plan file does not list comes from the CRM
 * users and the goals document's org section; what it lists wins; a plan file that lists everything is used as it is.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanBook } from '../../../shared/incentives';
import { orgForPlans, planDocumentWithOrg } from '../../../shared/incentives/org';
import type { CrmUser } from '../../../shared/sync/crm-users';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const tenant = { timeZone: 'Asia/Shanghai', locale: 'zh-CN' as const };
const users: CrmUser[] = [
  { id: 'm1', name: '李明', email: 'li.ming@demo.example', active: true },
  { id: 'u1', name: '王芳', email: 'wang.fang@demo.example', active: true, managerId: 'm1' },
  { id: 'u2', name: 'Emily Carter', email: 'not an address', active: true, managerId: 'm1' },
];
const plan = (over: Record<string, unknown> = {}, teamId = 'reports:m1') => ({
  plans: [
    {
      id: 'ae',
      version: 1,
      name: 'AE',
      effectiveFrom: '2026-01-01',
      currency: 'CNY',
      timeZone: 'Asia/Shanghai',
      period: 'month',
      quota: '100000.00',
      components: [{ id: 'c', type: 'tiered', mode: 'marginal', tiers: [{ from: '0', rate: '0.05' }] }],
    },
    {
      id: 'mgr',
      version: 1,
      name: 'Manager',
      effectiveFrom: '2026-01-01',
      currency: 'CNY',
      timeZone: 'Asia/Shanghai',
      period: 'month',
      quota: '200000.00',
      components: [{ id: 'o', type: 'override', teamId, rate: '0.01' }],
    },
  ],
  assignments: [
    { repId: 'u1', planId: 'ae', from: '2026-01-01' },
    { repId: 'u2', planId: 'ae', from: '2026-01-01' },
    { repId: 'm1', planId: 'mgr', from: '2026-01-01' },
  ],
  ...over,
});
const goalsOrg = { org: { people: { u2: { locale: 'en' } } } };

describe('incentive plans over the org model', () => {
  it('takes the reps and teams a plan file does not list from the CRM users and the org section', () => {
    const org = orgForPlans(users, tenant, goalsOrg);
    const book = PlanBook.parse(planDocumentWithOrg(plan(), org, '2026-03-15'));
    expect(book.person('u1')).toEqual({ name: '王芳', locale: 'zh-CN', email: 'wang.fang@demo.example' });
    // The org section's locale; a CRM address the plan schema refuses is left out, not the whole plan.
    expect(book.person('u2')).toEqual({ name: 'Emily Carter', locale: 'en' });
    expect(book.person('m1')).toMatchObject({ name: '李明', email: 'li.ming@demo.example' });
    // A manager's direct reports are a team an override component may name.
    expect(book.teams.get('reports:m1')).toEqual({
      id: 'reports:m1',
      managerId: 'm1',
      members: ['u1', 'u2'],
    });
  });

  it('keeps what the plan file lists: its reps win, and a manager leading a file team gets no second team', () => {
    const org = orgForPlans(users, tenant, undefined);
    const doc = plan(
      {
        reps: [{ id: 'u1', name: 'Fang Wang', locale: 'en' }],
        teams: [{ id: 'east', managerId: 'm1', members: ['u1'] }],
      },
      'east',
    );
    const book = PlanBook.parse(planDocumentWithOrg(doc, org, '2026-03-15'));
    expect(book.person('u1')).toEqual({ name: 'Fang Wang', locale: 'en' });
    expect(book.person('u2').name).toBe('Emily Carter');
    expect([...book.teams.keys()]).toEqual(['east']);
  });

  it('leaves a plan file that lists every rep and team as it is (the demo plans: same statements, same hashes)', () => {
    const demo = JSON.parse(readFileSync(join(ROOT, 'tenants/incentives/demo.json'), 'utf8'));
    const crm: CrmUser[] = [
      { id: 'u1', name: 'Someone else', active: true, managerId: 'm1' },
      { id: 'm1', name: 'Manager', active: true },
    ];
    expect(planDocumentWithOrg(demo, orgForPlans(crm, tenant, undefined), '2026-03-15')).toBe(demo);
  });

  it('refuses a plan naming a team neither the file nor the org has, with the path', () => {
    const org = orgForPlans([], tenant, undefined);
    expect(() => PlanBook.parse(planDocumentWithOrg(plan(), org, '2026-03-15'))).toThrow(
      /plans\[1\]\.components\[0\]\.teamId: no team "reports:m1" in teams/,
    );
  });
});
