/** The progress of the goals commands over the tenant found: records, targets, quotas and FX rates in one place. */
import { GoalProgress } from '../../shared/goals/progress';
import { incentiveQuota } from '../../shared/goals/quota';
import { Dec } from '../../shared/incentives/money';
import { parseInstant, UsageError } from './common';
import type { GoalsWiring } from './goals-wiring';

/** `--as-of <instant>` of the goals commands: the instant given (with a zone), else now. */
export const asOfOption = (value: string | undefined, now: () => Date): Date => {
  const asOf = value === undefined ? now() : parseInstant(value);
  if (!asOf)
    throw new UsageError(
      `--as-of must be an ISO-8601 instant with a zone, such as 2026-10-16T09:00:00+08:00; got ${JSON.stringify(value)}`,
    );
  return asOf;
};

export const progressFor = async (w: GoalsWiring): Promise<GoalProgress> => {
  const book = w.book;
  return new GoalProgress(w.goals, w.org, w.tenant, {
    owned: (object, owner, lower, upper) => w.records.owned(object, owner, lower, upper),
    created: (object, owner, lower, upper) => w.records.created(object, owner, lower, upper),
    target: async (goal, period, owner) => (await w.targets.get(goal, period, owner))?.target,
    ...(book ? { quota: incentiveQuota(book, w.tenant.currency) } : {}),
    fxRate: (from, to, date) => (from === to ? new Dec(1) : book?.fxRate(from, to, date)),
    ...(await w.progress?.source()),
  });
};
