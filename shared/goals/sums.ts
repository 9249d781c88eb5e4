/**
 * A goal's sums for an owner and period from the records read: the measured value and the records it skipped,
 * the weighted pipeline (won-amount goals), and the value reached by each milestone date. The same sums are what
 * the stored incremental totals keep, so the nightly recompute compares these with them.
 */
import type { CanonicalRecord } from '../../events';
import { Dec, ZERO } from '../incentives/money';
import { localDate } from '../incentives/periods';
import type { BusinessCalendar } from '../workflows/calendar';
import { businessDatesOf } from './curve';
import type { Goal } from './definition';
import { type Measured, type MetricContext, measure, metricDateOf, weightedPipeline } from './metrics';
import type { Owner } from './owners';
import type { GoalPeriod } from './periods';

export interface GoalSums {
  value: Dec;
  skipped: Measured['skipped'];
  pipeline: Dec;
  reachedBy: (by: string) => Dec;
}

/** The business day by which `fraction` of the period's business days have passed (the period's end at most). */
export const fractionDate = (cal: BusinessCalendar, period: GoalPeriod, fraction: Dec): string => {
  const dates = businessDatesOf(cal, period);
  const n = fraction.times(dates.length).ceil().toNumber();
  return dates[Math.max(0, n - 1)] ?? period.end;
};

/** The local date of each of the goal's milestones in the owner's period. */
export const milestoneDates = (goal: Goal, owner: Owner, period: GoalPeriod): string[] =>
  goal.milestones.map((m) =>
    typeof m.by === 'string' ? m.by : fractionDate(owner.calendar, period, new Dec(m.by.fraction)),
  );

/** A goal's sums over records read through the owner index (`measured`: the measure already taken, if any). */
export const goalSums = (
  goal: Goal,
  owner: Owner,
  records: CanonicalRecord[],
  ctx: MetricContext,
  measured: Measured = measure(goal, records, ctx),
): GoalSums => ({
  value: measured.value,
  skipped: measured.skipped,
  pipeline: goal.metric.type === 'won_amount' ? weightedPipeline(records, ctx).value : ZERO,
  reachedBy: (by: string) =>
    measure(
      goal,
      records.filter((r) => localDate(metricDateOf(goal, r), owner.timeZone) <= by),
      ctx,
    ).value,
});
