/**
 * GoalProgress over an in-memory source: a team target summed from its members (effective-dated membership), a
 * tenant goal over a from–to period, and the reads it makes (one per owner and object, bounded by the period).
 */
import { describe, expect, it } from 'vitest';
import type { CanonicalRecord, CrmObject } from '../../../events';
import { GoalProgress } from '../../../shared/goals/progress';
import { goalDateOf } from '../../../shared/goals/record-dates';
import { parseGoals } from '../../../shared/goals/validate';
import { Dec } from '../../../shared/incentives/money';
import { buildOrg } from '../../../shared/org/model';

const goals = parseGoals(
  {
    schemaVersion: 1,
    tenantId: 'acme',
    org: {
      directReportTeams: false,
      teams: { north: { name: 'North', members: ['a', { id: 'b', from: '2026-03-16' }] } },
    },
    goals: [
      {
        id: 'deals',
        name: { en: 'Won deals' },
        owner: 'rep',
        metric: { type: 'won_deals' },
        period: { kind: 'month' },
        target: { source: 'targets' },
      },
      {
        id: 'team-deals',
        name: { en: 'Team won deals' },
        owner: 'team',
        metric: { type: 'won_deals' },
        period: { kind: 'month' },
        target: { source: 'members', membersGoal: 'deals' },
      },
      {
        id: 'spring-calls',
        name: { en: 'Spring calls' },
        owner: 'tenant',
        metric: { type: 'activities', activityTypes: ['call'] },
        period: { kind: 'range', from: '2026-03-01', to: '2026-04-30' },
        target: { source: 'targets' },
      },
    ],
  },
  'goals.json',
);
const org = buildOrg({
  users: [
    { id: 'a', name: 'Ann', active: true },
    { id: 'b', name: 'Bo', active: true },
  ],
  tenant: { timeZone: 'America/New_York', locale: 'en' },
  config: goals.doc.org,
});
const won = (id: string, owner: string, closeDate: string): [CrmObject, CanonicalRecord] => [
  'deal',
  { id, modifiedAt: `${closeDate}T12:00:00Z`, owner: { id: owner }, status: 'won', closeDate, fields: {} },
];
const call = (id: string, owner: string, at: string): [CrmObject, CanonicalRecord] => [
  'activity',
  { id, modifiedAt: at, owner: { id: owner }, fields: { type: 'call', occurredAt: at } },
];
const records = [
  won('d1', 'a', '2026-03-03'),
  won('d2', 'b', '2026-03-10'), // before Bo joined North
  won('d3', 'b', '2026-03-20'),
  call('c1', 'a', '2026-03-01T05:00:00Z'), // 1 March 00:00 in New York (EST): in
  call('c2', 'b', '2026-03-01T04:59:00Z'), // still 28 February there: out
  call('c3', 'b', '2026-04-30T23:00:00Z'), // 30 April 19:00 EDT: in
];
const targets: Record<string, string> = {
  'deals|2026-03|a': '4',
  'deals|2026-03|b': '6',
  'spring-calls|2026-03-01..2026-04-30|acme': '100',
};
const reads: string[] = [];
const progress = new GoalProgress(
  goals,
  org,
  { id: 'acme', currency: 'USD', timeZone: 'America/New_York' },
  {
    async owned(object, owner, lower, upper) {
      reads.push(`${object}/${owner}`);
      return records
        .filter(([o, r]) => o === object && r.owner?.id === owner)
        .map(([, r]) => r)
        .filter((r) => {
          const d = goalDateOf(object, r);
          return d >= lower && d <= `${upper}\uffff`;
        });
    },
    target: async (goal, period, owner) => targets[`${goal}|${period}|${owner}`],
    fxRate: () => new Dec(1),
  },
);

describe('goal progress', () => {
  it('a team counts each member only while a member; its target is the members’ sum', async () => {
    reads.length = 0;
    const figures = await progress.figures({ asOf: new Date('2026-03-25T12:00:00Z'), team: 'north' });
    const team = figures.find((f) => f.goal === 'team-deals');
    expect(team).toMatchObject({ team: 'north', actual: '2.00', target: '10.00', mismatch: null });
    expect(figures.filter((f) => f.goal === 'deals').map((f) => [f.person, f.actual])).toEqual([
      ['a', '1.00'],
      ['b', '2.00'],
    ]);
    // One read per owner, object and dates: the team reuses Ann's; Bo's membership starts later, so his is new.
    expect(reads).toEqual(['deal/a', 'deal/b', 'deal/b']);
  });

  it('a tenant goal over a from–to period, its ends in the tenant’s zone', async () => {
    const [f] = await progress
      .figures({ asOf: new Date('2026-05-01T12:00:00Z'), person: undefined, team: undefined })
      .then((all) => all.filter((x) => x.goal === 'spring-calls'));
    expect(f).toMatchObject({
      owner: 'tenant',
      person: null,
      period: '2026-03-01..2026-04-30',
      actual: '2.00',
      status: 'missed',
    });
  });
});
