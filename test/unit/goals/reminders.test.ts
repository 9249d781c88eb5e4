/**
 * The reminder decisions day by day, over hand-made figures: behind → a reminder; the same the next day → nothing;
 * worse by a step → a reminder; still behind after the cool-down → a reminder; a missed milestone; met → recognised
 * once; the manager told once when a rep stays behind. Fixed local dates in October 2026 (Mon 5 … Fri 30).
 */
import { describe, expect, it } from 'vitest';
import type { Goal } from '../../../shared/goals/definition';
import type { GoalFigures } from '../../../shared/goals/progress';
import {
  behindStep,
  type DecisionContext,
  decide,
  type ReminderState,
} from '../../../shared/goals/reminders';
import { addDays, DEFAULT_CALENDAR, isBusinessDay } from '../../../shared/workflows/calendar';

const goal: Pick<Goal, 'reminders' | 'recognition'> = {
  reminders: { enabled: true, cooldownDays: 5, escalateAfterDays: 5 },
  recognition: true,
};

const fig = (over: Partial<GoalFigures> = {}): GoalFigures => ({
  curve: 'linear',
  goal: 'won-amount',
  owner: 'rep',
  person: 'u1',
  team: null,
  name: 'Ann',
  period: '2026-10',
  timeZone: 'Asia/Shanghai',
  metric: 'won_amount',
  unit: 'CNY',
  target: '100000.00',
  actual: '20000.00',
  expected: '30000.00',
  gap: '10000.00',
  attainment: '0.2',
  neededPerDay: '5000.00',
  neededPerWeek: '25000.00',
  projected: '66666.67',
  coverage: null,
  status: 'behind',
  businessDays: { total: 22, elapsed: 6, remaining: 16 },
  milestones: [],
  mismatch: null,
  skipped: [],
  ...over,
});

const ctx = (today: string): DecisionContext => ({
  today,
  behindGap: '0.1',
  businessDaysSince: (from) => {
    let n = 0;
    for (let d = addDays(from, 1); d <= today; d = addDays(d, 1)) if (isBusinessDay(DEFAULT_CALENDAR, d)) n++;
    return n;
  },
});

/** Runs the decision for each day in turn, carrying the state as the store would. */
const days = (steps: [string, GoalFigures][], start?: ReminderState) => {
  let state = start;
  return steps.map(([today, f]) => {
    const d = decide(goal, f, state, ctx(today));
    state = d.next ?? state;
    return d;
  });
};

describe('behind steps', () => {
  it('counts the gap in steps of behindGap of expected, at least one when behind', () => {
    expect(behindStep(fig({ gap: '3300', expected: '30000' }), '0.1')).toBe(1);
    expect(behindStep(fig({ gap: '7500', expected: '30000' }), '0.1')).toBe(2);
    expect(behindStep(fig({ gap: '9000', expected: '30000' }), '0.1')).toBe(3);
    expect(behindStep(fig({ status: 'at_risk' }), '0.1')).toBe(0);
  });
});

describe('reminders follow pace', () => {
  it('behind → a reminder; the same status the next day → none; a second run the same day → none', () => {
    const [first, again, next] = days([
      ['2026-10-08', fig()],
      ['2026-10-08', fig()],
      ['2026-10-09', fig()],
    ]);
    expect(first?.reasons).toEqual([{ kind: 'behind', step: 3 }]);
    expect(again?.reasons).toEqual([]);
    expect(again?.next).toBeUndefined();
    expect(next?.reasons).toEqual([]);
  });

  it('worse by a step → a reminder, with the step it came from', () => {
    const [, worse, same] = days([
      ['2026-10-08', fig({ gap: '3500.00' })],
      ['2026-10-09', fig({ gap: '7000.00' })],
      ['2026-10-12', fig({ gap: '6500.00' })],
    ]);
    expect(worse?.reasons).toEqual([{ kind: 'worsened', step: 2, from: 1 }]);
    expect(same?.reasons).toEqual([]);
  });

  it('still behind after the cool-down (5 business days) → a reminder again, not before', () => {
    const out = days([
      ['2026-10-08', fig()],
      ['2026-10-14', fig()],
      ['2026-10-15', fig()],
      ['2026-10-16', fig()],
    ]);
    expect(out.map((d) => d.reasons.map((r) => r.kind))).toEqual([['behind'], [], ['still_behind'], []]);
  });

  it('back on pace, then behind again → news again', () => {
    const out = days([
      ['2026-10-08', fig()],
      ['2026-10-09', fig({ status: 'on_track', gap: '0.00' })],
      ['2026-10-12', fig()],
    ]);
    expect(out.map((d) => d.reasons.map((r) => r.kind))).toEqual([['behind'], [], ['behind']]);
  });

  it('a missed milestone is a reminder once, whatever the pace', () => {
    const missed = fig({
      status: 'on_track',
      milestones: [{ by: '2026-10-15', value: '50000.00', state: 'missed' }],
    });
    const out = days([
      ['2026-10-16', missed],
      ['2026-10-19', missed],
    ]);
    expect(out[0]?.reasons).toEqual([{ kind: 'milestone_missed', by: '2026-10-15', value: '50000.00' }]);
    expect(out[1]?.reasons).toEqual([]);
  });

  it('reminders off: nothing reminded, recognition still given', () => {
    const off = { ...goal, reminders: { ...goal.reminders, enabled: false } };
    expect(decide(off, fig(), undefined, ctx('2026-10-08')).reasons).toEqual([]);
    expect(decide(off, fig({ status: 'met' }), undefined, ctx('2026-10-08')).recognitions).toEqual([
      { kind: 'met' },
    ]);
  });

  it('no target → nothing decided, nothing stored', () => {
    expect(decide(goal, fig({ status: 'no_target' }), undefined, ctx('2026-10-08')).next).toBeUndefined();
  });
});

describe('recognition', () => {
  it('met → recognised once in the period; a reached milestone once', () => {
    const met = fig({
      status: 'met',
      actual: '120000.00',
      milestones: [{ by: '2026-10-15', value: '50000.00', state: 'reached' }],
    });
    const out = days([
      ['2026-10-20', met],
      ['2026-10-21', met],
      ['2026-10-22', fig({ status: 'met', actual: '130000.00' })],
    ]);
    expect(out[0]?.recognitions).toEqual([
      { kind: 'met' },
      { kind: 'milestone', by: '2026-10-15', value: '50000.00' },
    ]);
    expect(out[1]?.recognitions).toEqual([]);
    expect(out[2]?.recognitions).toEqual([]);
  });
});

describe('manager escalation', () => {
  it('told once, when the rep has stayed behind 5 business days; again only after a new behind spell', () => {
    const out = days([
      ['2026-10-08', fig()],
      ['2026-10-09', fig()],
      ['2026-10-14', fig()],
      ['2026-10-15', fig()],
      ['2026-10-16', fig()],
      ['2026-10-19', fig({ status: 'at_risk' })],
      ['2026-10-20', fig()],
    ]);
    expect(out.map((d) => d.escalate)).toEqual([
      undefined,
      undefined,
      undefined,
      { since: '2026-10-08', days: 5 },
      undefined,
      undefined,
      undefined,
    ]);
    expect(out[6]?.next?.behindSince).toBe('2026-10-20');
  });
});

describe('no activity logged', () => {
  const onTrack = fig({ metric: 'activities', unit: 'count', status: 'on_track', gap: '0.00' });
  const quiet = (today: string, inactive: boolean) => ({
    ...ctx(today),
    ...(inactive ? { inactive: { days: 3 } } : {}),
  });
  it('reminded once when nothing was logged, again only after the cool-down, and the spell ends with an activity', () => {
    let state: ReminderState | undefined;
    const run = (today: string, inactive: boolean) => {
      const d = decide(goal, onTrack, state, quiet(today, inactive));
      state = d.next ?? state;
      return d.reasons;
    };
    // Thursday 5 November 2026: nothing logged since Monday.
    expect(run('2026-11-05', true)).toEqual([{ kind: 'no_activity', days: 3 }]);
    expect(state?.inactiveNotifiedOn).toBe('2026-11-05');
    // Still nothing for four more business days: no daily nagging.
    for (const d of ['2026-11-06', '2026-11-09', '2026-11-10', '2026-11-11'])
      expect(run(d, true)).toEqual([]);
    // Five business days after the first reminder: once more.
    expect(run('2026-11-12', true)).toEqual([{ kind: 'no_activity', days: 3 }]);
    // An activity is logged: the spell ends, and the next quiet spell is news at once.
    expect(run('2026-11-13', false)).toEqual([]);
    expect(state?.inactiveNotifiedOn).toBeUndefined();
    expect(run('2026-11-18', true)).toEqual([{ kind: 'no_activity', days: 3 }]);
  });
  it('reminders off: not reminded', () => {
    const off = { ...goal, reminders: { ...goal.reminders, enabled: false } };
    expect(decide(off, onTrack, undefined, quiet('2026-11-05', true)).reasons).toEqual([]);
  });
});
