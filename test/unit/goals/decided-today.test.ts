/**
 * The hourly goal evaluation reads nothing it does not need: nobody due at an instant (before the notify time, or
 * not a business day, in every zone of the org section: Asia/Shanghai and America/New_York across its DST change),
 * and, within a day, owners whose every goal was decided already. A goal without a target has its target looked at
 * again every hour (one may be set later that day), and the next day everyone is read again.
 */
import { describe, expect, it } from 'vitest';
import { DecidedToday, figureKeysOf } from '../../../shared/goals/decided-today';
import { anyGoalsDue } from '../../../shared/goals/due';
import { type EvaluationDeps, GoalEvaluation } from '../../../shared/goals/evaluation';
import { type GoalFigures, GoalProgress, type ProgressQuery } from '../../../shared/goals/progress';
import type { ReminderState } from '../../../shared/goals/reminders';
import { parseGoals } from '../../../shared/goals/validate';
import { buildOrg } from '../../../shared/org/model';

const doc = (people: Record<string, { timeZone: string }>) =>
  parseGoals(
    {
      schemaVersion: 1,
      tenantId: 'acme',
      org: { directReportTeams: false, people, teams: { north: { name: 'North', members: ['a', 'b'] } } },
      goals: [
        {
          id: 'deals',
          name: { en: 'Won deals' },
          owner: 'rep',
          metric: { type: 'won_deals' },
          period: { kind: 'month' },
          target: { source: 'targets' },
        },
      ],
    },
    'goals.json',
  );
const goals = doc({ b: { timeZone: 'America/New_York' } });
const tenant = {
  id: 'acme',
  displayName: 'Acme',
  timeZone: 'Asia/Shanghai',
  currency: 'CNY',
  locale: 'zh-CN' as const,
  mail: { sender: 'goals@acme.example' },
};
const org = buildOrg({
  users: [
    { id: 'a', name: 'Ann', email: 'ann@acme.example', active: true },
    { id: 'b', name: 'Bo', email: 'bo@acme.example', active: true },
  ],
  tenant: { timeZone: tenant.timeZone, locale: 'en' },
  config: goals.doc.org,
});

describe('anyGoalsDue: whether anybody has reached the notify time (08:30) on a business day', () => {
  const shanghaiOnly = doc({});
  it('Asia/Shanghai: from 08:30 local on a weekday, never on a weekend', () => {
    expect(anyGoalsDue(shanghaiOnly, 'Asia/Shanghai', new Date('2026-03-10T00:29:00Z'))).toBe(false);
    expect(anyGoalsDue(shanghaiOnly, 'Asia/Shanghai', new Date('2026-03-10T00:30:00Z'))).toBe(true);
    expect(anyGoalsDue(shanghaiOnly, 'Asia/Shanghai', new Date('2026-03-14T05:00:00Z'))).toBe(false); // Sat
  });
  it('America/New_York: 08:30 EST before the DST change, 08:30 EDT after it', () => {
    const ny = doc({});
    expect(anyGoalsDue(ny, 'America/New_York', new Date('2026-03-06T13:29:00Z'))).toBe(false);
    expect(anyGoalsDue(ny, 'America/New_York', new Date('2026-03-06T13:30:00Z'))).toBe(true);
    expect(anyGoalsDue(ny, 'America/New_York', new Date('2026-03-09T12:29:00Z'))).toBe(false);
    expect(anyGoalsDue(ny, 'America/New_York', new Date('2026-03-09T12:30:00Z'))).toBe(true);
  });
  it("a person of the org section in another zone counts: 08:00 in Shanghai is Bo's Monday evening", () => {
    const at = new Date('2026-03-10T00:00:00Z');
    expect(anyGoalsDue(shanghaiOnly, 'Asia/Shanghai', at)).toBe(false);
    expect(anyGoalsDue(goals, 'Asia/Shanghai', at)).toBe(true);
  });
});

describe('DecidedToday: an hourly run skips the reads of owners decided earlier that day', () => {
  const setup = (targets: Record<string, string>) => {
    const reads: string[] = [];
    const saved = new Map<string, Map<string, ReminderState>>();
    const sent: string[] = [];
    const progress = new GoalProgress(goals, org, tenant, {
      owned: async () => [],
      fxRate: () => undefined,
      target: async (_goal, _period, owner) => {
        reads.push(`target:${owner}`);
        return targets[owner];
      },
    });
    const decided = new DecidedToday();
    const deps = (): EvaluationDeps => ({
      goals,
      org,
      tenant,
      figures: async (q: ProgressQuery): Promise<GoalFigures[]> => {
        reads.push(q.person ?? q.team ?? '?');
        return progress.figures(q);
      },
      states: {
        states: async (owner) => {
          reads.push(`states:${owner}`);
          return new Map(saved.get(owner));
        },
        save: async (owner, period, goal, state) => {
          const m = saved.get(owner) ?? new Map<string, ReminderState>();
          m.set(`${period}#${goal}`, state);
          saved.set(owner, m);
        },
      },
      effects: {
        run: async (e) => {
          sent.push(e.key);
          return { outcome: 'performed' as const };
        },
      },
      correlationId: 'test',
      figureKeys: figureKeysOf(goals.doc.goals, progress),
      decided,
    });
    const run = async (at: string) => {
      reads.length = 0;
      const report = await new GoalEvaluation(deps()).run(new Date(at));
      return { reads: [...reads], report };
    };
    return { run, sent, targets };
  };

  it('reads a decided owner once a day; an owner without a target every hour until one is set', async () => {
    const t = setup({ a: '4' });
    // Tue 10 March 09:30 in Shanghai (Ann); Mon 9 March 21:30 EDT in New York (Bo): both due.
    const first = await t.run('2026-03-10T01:30:00Z');
    expect(first.reads).toEqual(['a', 'target:a', 'states:a', 'b', 'target:b', 'states:b']);
    expect(t.sent).toEqual(['goal-reminder#a#2026-03-10']);

    const second = await t.run('2026-03-10T02:30:00Z');
    // Ann's goal was decided: nothing read. Bo's had no target: only his target is looked at again.
    expect(second.reads).toEqual(['target:b']);
    expect(second.report.find((r) => r.owner === 'a')?.skipped).toMatch(/decided earlier today/);

    t.targets.b = '3'; // set later that day: the next run decides it
    await t.run('2026-03-10T03:30:00Z');
    // Monday is Bo's check-in day: the weekly check-in carries the reminder.
    expect(t.sent).toEqual(['goal-reminder#a#2026-03-10', 'weekly-checkin#b#2026-03-09']);
    expect((await t.run('2026-03-10T04:30:00Z')).reads).toEqual([]);
    expect(t.sent).toHaveLength(2);

    // The next day in each zone: read and decided again (nothing new to say: no second reminder).
    const nextDay = await t.run('2026-03-11T14:30:00Z');
    expect(nextDay.reads).toEqual(['a', 'target:a', 'states:a', 'b', 'target:b', 'states:b']);
  });

  it('a dry run (no effects) neither uses nor fills the memory', async () => {
    const t = setup({ a: '4', b: '3' });
    await t.run('2026-03-10T01:30:00Z');
    const dry = new GoalEvaluation({
      goals,
      org,
      tenant,
      figures: async () => [],
      states: { states: async () => new Map(), save: async () => undefined },
      correlationId: 'dry',
      decided: new DecidedToday(),
    });
    expect((await dry.run(new Date('2026-03-10T02:30:00Z'))).every((r) => !r.skipped)).toBe(true);
  });
});
