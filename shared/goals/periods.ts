/**
 * Goal periods as local date ranges in the owner's zone. Months and quarters are the incentive engine's periods
 * (incentives/periods.ts, one home for them); a year is "2026"; a from–to goal has one period keyed "<from>..<to>".
 */
import { addDays, type Period as IncentivePeriod, parsePeriodKey, periodKeyOf } from '../incentives/periods';
import type { GoalPeriodDefinition } from './definition';

export interface GoalPeriod {
  /** "2026-10", "2026-Q4", "2026" or "2026-09-01..2026-12-15". */
  key: string;
  /** Inclusive local dates. */
  start: string;
  end: string;
}

const YEAR = /^\d{4}$/;
const RANGE = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/;

/** The goal's period containing the local date (a from–to goal has only its own). */
export const goalPeriodOn = (def: GoalPeriodDefinition, date: string): GoalPeriod => {
  switch (def.kind) {
    case 'range':
      return { key: `${def.from}..${def.to}`, start: def.from, end: def.to };
    case 'year':
      return { key: date.slice(0, 4), start: `${date.slice(0, 4)}-01-01`, end: `${date.slice(0, 4)}-12-31` };
    default: {
      const p = parsePeriodKey(periodKeyOf(date, def.kind));
      return { key: p.key, start: p.start, end: p.end };
    }
  }
};

/** The period a key names, if it is one of this goal's ("2026-Q4" for a monthly goal is not); else why not. */
export const goalPeriodOfKey = (def: GoalPeriodDefinition, key: string): GoalPeriod | { error: string } => {
  const expected = {
    month: 'a month such as 2026-10',
    quarter: 'a quarter such as 2026-Q4',
    year: 'a year such as 2026',
    range: def.kind === 'range' ? `${def.from}..${def.to}` : '',
  }[def.kind];
  if (def.kind === 'range') {
    const m = RANGE.exec(key);
    return m && m[1] === def.from && m[2] === def.to
      ? goalPeriodOn(def, def.from)
      : { error: `must be ${expected}` };
  }
  if (def.kind === 'year')
    return YEAR.test(key) ? goalPeriodOn(def, `${key}-01-01`) : { error: `must be ${expected}` };
  let p: IncentivePeriod;
  try {
    p = parsePeriodKey(key);
  } catch {
    return { error: `must be ${expected}` };
  }
  return p.kind === def.kind ? { key: p.key, start: p.start, end: p.end } : { error: `must be ${expected}` };
};

/** The period before `period` of a month, quarter or year goal; a from–to goal has none. */
export const previousGoalPeriod = (def: GoalPeriodDefinition, period: GoalPeriod): GoalPeriod | undefined =>
  def.kind === 'range' ? undefined : goalPeriodOn(def, addDays(period.start, -1));
