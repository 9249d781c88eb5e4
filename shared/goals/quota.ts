/**
 * "The rep's incentive quota for the period" as a goal target: the quota of every plan period (the plan's month or
 * quarter) inside the goal's period, prorated by the plan book exactly as commissions are (mid-period plan changes
 * included), converted into the tenant currency with the plans' FX rates for the period's first day.
 */
import type { PlanBook } from '../incentives/book';
import { type Dec, ZERO } from '../incentives/money';
import { nextPeriod, periodOf } from '../incentives/periods';
import type { GoalPeriod } from './periods';

export const incentiveQuota =
  (book: PlanBook, currency: string) =>
  (repId: string, period: GoalPeriod): Dec | undefined => {
    const kind = book.periodKind(repId);
    if (!kind) return undefined;
    let total = ZERO;
    let any = false;
    for (let p = periodOf(period.start, kind); p.start <= period.end; p = nextPeriod(p)) {
      // A plan period that sticks out of the goal's (a quarterly plan, a monthly goal) does not fit it.
      if (p.start < period.start || p.end > period.end) return undefined;
      for (const s of book.segments(repId, p)) {
        const rate = book.fxRate(s.plan.currency, currency, p.start);
        if (!rate) return undefined;
        total = total.plus(s.quota.times(rate));
        any = true;
      }
    }
    return any ? total : undefined;
  };
