/**
 * Streaks for recognition ("third month in a row"): how many periods in a row, ending with the one containing
 * `asOf` (counted as met), the owner met the goal. Each earlier period is measured again as of its end against its
 * target (so a month met on its last evening, after that day's evaluation, counts), back to the first one missed
 * or without a target, at most `limit` periods: a few bounded Queries, once per congratulation.
 */
import { localDate } from '../incentives/periods';
import { METRICS } from './definition';
import { goalPeriodOn, previousGoalPeriod } from './periods';
import { endOf, type GoalProgress } from './progress';

export const streakOf = async (
  progress: GoalProgress,
  goalId: string,
  ownerId: string,
  asOf: Date,
  limit = 12,
): Promise<number> => {
  const goal = progress.goal(goalId);
  const owner = goal && progress.ownerOf(goal, ownerId, asOf);
  if (!goal || !owner) return 1;
  let n = 1;
  let prev = previousGoalPeriod(
    goal.period,
    goalPeriodOn(goal.period, localDate(asOf.toISOString(), owner.timeZone)),
  );
  while (prev && n < limit) {
    const { own } = await progress.target(goal, owner, prev);
    if (own === undefined) break;
    const actual = (await progress.measured(goal, owner, prev, endOf(prev, owner.timeZone))).measured.value;
    if (!(METRICS[goal.metric.type].direction === 'lower' ? actual.lte(own) : actual.gte(own))) break;
    n++;
    prev = previousGoalPeriod(goal.period, prev);
  }
  return n;
};
