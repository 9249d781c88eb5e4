/**
 * The owner's usual intra-period curve: many teams close most of a month in its last week, so a straight line over
 * the business days calls them behind every month until the last days. With `curve: "history"` on a goal, expected
 * by now follows the share of the period's final result the owner had usually reached after the same fraction of
 * business days, averaged over their last periods; with too little history it stays the straight line.
 *
 * Pure: goals/progress.ts reads the past periods (through the owner index, a bounded read per period) and hands
 * them over as dated values.
 */
import { Dec, ZERO } from '../incentives/money';
import { addDays, type BusinessCalendar, isBusinessDay } from '../workflows/calendar';
import type { GoalPeriod } from './periods';

/** Past periods read for the curve, and how many of them must have a result for it to be used. */
export const CURVE_LOOKBACK = 6;
export const CURVE_MIN_PERIODS = 3;

/** One past period: its business days in order and its result up to (and including) a local date. */
export interface PastPeriod {
  businessDates: readonly string[];
  /** The metric over the period's records dated on or before `date` (local, the owner's zone). */
  upTo(date: string): Dec;
  /** The period's final result. */
  total: Dec;
}

/** The business days of a period on a calendar, in order. */
export const businessDatesOf = (
  cal: BusinessCalendar,
  period: Pick<GoalPeriod, 'start' | 'end'>,
): string[] => {
  const out: string[] = [];
  for (let d = period.start; d <= period.end; d = addDays(d, 1)) if (isBusinessDay(cal, d)) out.push(d);
  return out;
};

/**
 * The mean share of the final result reached after `elapsed` of `total` business days, over the past periods that
 * had a positive result; undefined with fewer than `minPeriods` of them. Each past period is cut after the same
 * fraction of its own business days (rounded down), so months of different lengths compare.
 */
export const usualShare = (
  past: readonly PastPeriod[],
  elapsed: number,
  total: number,
  minPeriods = CURVE_MIN_PERIODS,
): Dec | undefined => {
  const usable = past.filter((p) => p.total.gt(0) && p.businessDates.length > 0);
  if (usable.length < minPeriods || total <= 0) return undefined;
  const fraction = new Dec(Math.min(Math.max(elapsed, 0), total)).dividedBy(total);
  let sum = ZERO;
  for (const p of usable) {
    const k = fraction.times(p.businessDates.length).floor().toNumber();
    const cut = k === 0 ? undefined : p.businessDates[k - 1];
    const reached = cut === undefined ? ZERO : p.upTo(cut);
    sum = sum.plus(Dec.min(reached.dividedBy(p.total), 1));
  }
  return sum.dividedBy(usable.length);
};
