/** The goals document: the demo's is valid; every cross-field problem is refused at its path with its reason. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goalPeriodOfKey, goalPeriodOn } from '../../../shared/goals/periods';
import { GoalsConfigError, parseGoals } from '../../../shared/goals/validate';

const ROOT = resolve(import.meta.dirname, '../../..');
const demo = () => JSON.parse(readFileSync(join(ROOT, 'tenants/goals/demo.json'), 'utf8'));
// The demo's US calendar is resolved into dates by tooling; here it is left as listed dates.
const parse = (doc: Record<string, unknown>) =>
  parseGoals({ ...doc, calendars: { cn: { source: 'chinese-days' }, us: {} } }, 'goals.json', 'demo');

const problems = (doc: Record<string, unknown>) => {
  try {
    parse(doc);
  } catch (err) {
    if (err instanceof GoalsConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('goals document', () => {
  it('the demo tenant’s goals are valid', () => {
    expect(parse(demo()).doc.goals.map((g) => g.id)).toEqual([
      'won-amount',
      'calls-meetings',
      'team-won-amount',
    ]);
  });

  it('refuses each cross-field mistake at its path', () => {
    const doc = demo();
    doc.tenantId = 'other';
    doc.org.calendar = 'mars';
    doc.goals[0].target = { source: 'incentive_quota' };
    doc.goals[0].period = { kind: 'range', from: '2026-10-01', to: '2026-12-31' };
    doc.goals[1].metric.filter = [{ field: 'amount', op: 'gte', value: 'lots' }];
    doc.goals[2].target = { source: 'targets', membersGoal: 'calls-meetings' };
    doc.goals.push({
      ...doc.goals[1],
      id: 'won-amount',
      metric: { type: 'won_deals', activityTypes: ['call'] },
    });
    expect(problems(doc)).toEqual([
      { path: 'tenantId', message: 'is "other" but the file belongs to tenant "demo"' },
      { path: 'org.calendar', message: '"mars" is not one of the calendars: default, cn, us' },
      { path: 'goals[3].id', message: '"won-amount" is used by an earlier goal' },
      { path: 'goals[0].target.source', message: 'incentive_quota needs a month, quarter or year period' },
      { path: 'goals[1].metric.filter[0]', message: expect.stringContaining('amount') },
      {
        path: 'goals[2].target.membersGoal',
        message: '"calls-meetings" counts activities per month, not won_amount per month',
      },
      { path: 'goals[3].metric.activityTypes', message: 'only the activities metric counts by type' },
    ]);
  });

  it('refuses a baseline without a last period, a quota that is not a won amount, and summed medians', () => {
    const doc = demo();
    doc.goals[0].metric = { type: 'new_pipeline_amount' };
    doc.goals[1].baseline = 'last_period';
    doc.goals[1].period = { kind: 'range', from: '2026-10-01', to: '2026-12-31' };
    doc.goals.push(
      {
        ...doc.goals[2],
        id: 'team-response',
        metric: { type: 'first_response_time' },
        target: { source: 'members', membersGoal: 'rep-response' },
      },
      {
        ...doc.goals[1],
        id: 'rep-response',
        baseline: undefined,
        metric: { type: 'first_response_time' },
        period: { kind: 'month' },
      },
    );
    expect(problems(doc)).toEqual([
      { path: 'goals[0].target.source', message: 'incentive_quota is an amount: won_amount only' },
      {
        path: 'goals[1].baseline',
        message: 'last_period needs a month, quarter or year period (a from–to goal has no last period)',
      },
      {
        path: 'goals[2].target.membersGoal',
        message: '"won-amount" counts new_pipeline_amount per month, not won_amount per month',
      },
      {
        path: 'goals[3].target.membersGoal',
        message: "first_response_time is a median: members' targets do not add up",
      },
    ]);
  });

  it('schema problems name the path too', () => {
    const doc = demo();
    doc.goals[0].metric.type = 'happiness';
    doc.goals[0].name = {};
    expect(problems(doc).map((p) => p.path)).toEqual(['goals[0].name', 'goals[0].metric.type']);
  });
});

describe('goal periods', () => {
  it('month, quarter, year and from–to, by key', () => {
    expect(goalPeriodOn({ kind: 'quarter' }, '2026-11-05')).toEqual({
      key: '2026-Q4',
      start: '2026-10-01',
      end: '2026-12-31',
    });
    expect(goalPeriodOn({ kind: 'year' }, '2026-11-05')).toEqual({
      key: '2026',
      start: '2026-01-01',
      end: '2026-12-31',
    });
    const range = { kind: 'range' as const, from: '2026-09-15', to: '2026-12-15' };
    expect(goalPeriodOfKey(range, '2026-09-15..2026-12-15')).toEqual({
      key: '2026-09-15..2026-12-15',
      start: '2026-09-15',
      end: '2026-12-15',
    });
    expect(goalPeriodOfKey({ kind: 'month' }, '2026-Q4')).toEqual({
      error: 'must be a month such as 2026-10',
    });
    expect(goalPeriodOfKey({ kind: 'year' }, '26')).toEqual({ error: 'must be a year such as 2026' });
  });
});
