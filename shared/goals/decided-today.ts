import { localDate } from '../incentives/periods';
import type { Goal } from './definition';
import type { Owner } from './owners';
import { goalPeriodOn } from './periods';
import type { ProgressQuery } from './progress';

/**
 * The goals each owner had decided, by day, as earlier runs of the same container saved them. Once an owner's state
 * for a goal's period says today, decide() returns nothing for it until tomorrow, so an hourly run after the notify
 * time would read the owner's figures and states only to send nothing: with this it reads nothing for them, unless a
 * goal or period appeared since (a new team member, a target that had none: `no_target` is never recorded here).
 */
export class DecidedToday {
  private readonly byOwner = new Map<string, { today: string; keys: Set<string> }>();

  /** Whether every key was decided on `today` for the owner. */
  covers(owner: string, today: string, keys: readonly string[]): boolean {
    const d = this.byOwner.get(owner);
    return d !== undefined && d.today === today && keys.every((k) => d.keys.has(k));
  }

  record(owner: string, today: string, keys: readonly string[]): void {
    this.byOwner.set(owner, { today, keys: new Set(keys) });
  }
}

/** The goals and periods GoalProgress.figures(q) returns for a query, found as it finds them: no read. */
export const figureKeysOf =
  (goals: readonly Goal[], ownersOf: (goal: Goal, q: ProgressQuery) => Owner[]) =>
  (q: ProgressQuery): { goal: string; period: string }[] =>
    goals.flatMap((goal) =>
      ownersOf(goal, q).map((o) => ({
        goal: goal.id,
        period: goalPeriodOn(goal.period, localDate(q.asOf.toISOString(), o.timeZone)).key,
      })),
    );
