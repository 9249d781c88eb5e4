/**
 * Pace: where a goal stands against where it should be by now, as exact decimals. Time is counted in business days
 * on the owner's calendar (holidays and make-up working days included), and a business day counts as elapsed only
 * once it has ended in the owner's zone: on the first morning of a month nothing is expected yet.
 *
 * Pure functions: no store, no clock. goals/progress.ts feeds them the actual, the target and the instant.
 */

import { Dec, ZERO } from '../incentives/money';
import { addDays, type BusinessCalendar, isBusinessDay, localTime } from '../workflows/calendar';

export interface BusinessDays {
  /** Business days in the period. */
  total: number;
  /** Business days of the period that have ended by the instant. */
  elapsed: number;
  /** total − elapsed (today, not yet ended, is still remaining). */
  remaining: number;
  /** The whole period has ended in the owner's zone. */
  ended: boolean;
}

/** Local dates are inclusive ("2026-10-01" … "2026-10-31"); `asOf` is read in `timeZone`. */
export const businessDays = (
  cal: BusinessCalendar,
  timeZone: string,
  period: { start: string; end: string },
  asOf: Date,
): BusinessDays => {
  const today = localTime(asOf, timeZone).date;
  let total = 0;
  let elapsed = 0;
  for (let d = period.start; d <= period.end; d = addDays(d, 1)) {
    if (!isBusinessDay(cal, d)) continue;
    total++;
    if (d < today) elapsed++;
  }
  return { total, elapsed, remaining: total - elapsed, ended: today > period.end };
};

export const PACE_STATUSES = ['on_track', 'at_risk', 'behind', 'met', 'missed'] as const;
export type PaceStatus = (typeof PACE_STATUSES)[number];

/** When a goal counts as behind (goal config may change them). */
export interface PaceThresholds {
  /** Behind when the gap is more than this fraction of expected … */
  behindGap: Dec;
  /** … and at least this many business days have elapsed (day one says little). */
  minElapsedDays: number;
}
export const DEFAULT_THRESHOLDS: PaceThresholds = { behindGap: new Dec('0.1'), minElapsedDays: 3 };

export interface PaceInput {
  target: Dec;
  actual: Dec;
  days: BusinessDays;
  /** 'lower' for metrics where less is better (first-response time): the target is a ceiling. */
  better?: 'higher' | 'lower';
  thresholds?: PaceThresholds;
  /**
   * The share of the target expected by now (goals/curve.ts, the owner's usual curve) instead of elapsed ÷ total
   * business days; the projection then is actual ÷ share. Higher-is-better metrics only.
   */
  expectedShare?: Dec;
}

export interface Pace {
  /** actual ÷ target (undefined for a zero target). */
  attainment: Dec | undefined;
  /** What should have been reached by now. */
  expected: Dec;
  /** expected − actual; positive means behind (for lower-is-better: actual − target). */
  gap: Dec;
  /** Still to do per remaining business day and per five of them; undefined when nothing remains to do or no day. */
  neededPerDay: Dec | undefined;
  neededPerWeek: Dec | undefined;
  /** Finish at the current run rate; undefined before a business day has elapsed. */
  projected: Dec | undefined;
  status: PaceStatus;
}

export const pace = (input: PaceInput): Pace => {
  const { target, actual, days } = input;
  const t = input.thresholds ?? DEFAULT_THRESHOLDS;
  const attainment = target.isZero() ? undefined : actual.dividedBy(target);
  if (input.better === 'lower') return lowerIsBetter(target, actual, days, t, attainment);

  const share = days.ended ? undefined : input.expectedShare;
  const expected =
    share !== undefined
      ? target.times(share)
      : days.total === 0
        ? days.ended
          ? target
          : ZERO
        : target.times(days.elapsed).dividedBy(days.total);
  const gap = expected.minus(actual);
  const left = target.minus(actual);
  const neededPerDay = left.gt(0) && days.remaining > 0 ? left.dividedBy(days.remaining) : undefined;
  const neededPerWeek = neededPerDay?.times(5);
  const projected =
    share !== undefined
      ? share.gt(0)
        ? actual.dividedBy(share)
        : undefined
      : days.elapsed > 0
        ? actual.dividedBy(days.elapsed).times(days.total)
        : days.ended
          ? actual
          : undefined;

  let status: PaceStatus;
  if (actual.gte(target)) status = 'met';
  else if (days.ended) status = 'missed';
  else if (gap.gt(expected.times(t.behindGap)) && days.elapsed >= t.minElapsedDays) status = 'behind';
  else if (gap.gt(0) && projected?.lt(target)) status = 'at_risk';
  else status = 'on_track';
  return { attainment, expected, gap, neededPerDay, neededPerWeek, projected, status };
};

/**
 * A ceiling does not accrue over the period: expected is the target itself all along, the gap is how far above it
 * the actual is, and the projection is the actual (a median does not grow with time). Met or missed at the end.
 */
const lowerIsBetter = (
  target: Dec,
  actual: Dec,
  days: BusinessDays,
  t: PaceThresholds,
  attainment: Dec | undefined,
): Pace => {
  const gap = actual.minus(target);
  let status: PaceStatus;
  if (days.ended) status = gap.gt(0) ? 'missed' : 'met';
  else if (!gap.gt(0)) status = 'on_track';
  else if (gap.gt(target.times(t.behindGap)) && days.elapsed >= t.minElapsedDays) status = 'behind';
  else status = 'at_risk';
  return {
    attainment,
    expected: target,
    gap,
    neededPerDay: undefined,
    neededPerWeek: undefined,
    projected: actual,
    status,
  };
};

/**
 * Pipeline coverage: open pipeline closing in the period, weighted by stage probability, ÷ the target still open.
 * Undefined when nothing remains to cover.
 */
export const coverage = (weightedPipeline: Dec, target: Dec, actual: Dec): Dec | undefined => {
  const left = target.minus(actual);
  return left.gt(0) ? weightedPipeline.dividedBy(left) : undefined;
};
