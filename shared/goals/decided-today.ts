import { localDate } from '../incentives/periods';
import type { Goal } from './definition';
import { goalPeriodOn } from './periods';
import type { GoalProgress, ProgressQuery } from './progress';

/**
 * The goals each owner had decided, by day, as earlier runs of the same container saved them. Once an owner's state
 * for a goal's period says today, decide() returns nothing for it until tomorrow, and a goal without a target
 * decides nothing at all: so an hourly run after the notify time would read the owner's figures and states only to
 * send nothing. With this it reads nothing for them but the targets of the goals that had none (one may have been
 * set since), unless a goal or period appeared since (a new team member, a new day).
 */
export class DecidedToday {
  private readonly byOwner = new Map<string, { today: string; keys: Set<string>; untargeted: string[] }>();

  /**
   * When every key was decided on `today` for the owner, or had no target then: the keys of the latter, whose
   * targets are to be looked at again; else undefined.
   */
  covered(owner: string, today: string, keys: readonly string[]): string[] | undefined {
    const d = this.byOwner.get(owner);
    if (d === undefined || d.today !== today || !keys.every((k) => d.keys.has(k))) return undefined;
    return d.untargeted;
  }

  /** Whether every key was decided today for the owner and none that had no target has one now. */
  async decidedEarlier(owner: string, today: string, keys: readonly FigureKey[]): Promise<boolean> {
    const recheck = this.covered(
      owner,
      today,
      keys.map((k) => `${k.period}#${k.goal}`),
    );
    if (!recheck) return false;
    for (const k of keys)
      if (recheck.includes(`${k.period}#${k.goal}`) && (await k.hasTarget())) return false;
    return true;
  }

  record(owner: string, today: string, keys: readonly string[], untargeted: readonly string[]): void {
    this.byOwner.set(owner, { today, keys: new Set(keys), untargeted: [...untargeted] });
  }
}

/** A goal and period figures(q) returns, and whether it has a target now (the target's reads only). */
export interface FigureKey {
  goal: string;
  period: string;
  hasTarget(): Promise<boolean>;
}

/** The goals and periods GoalProgress.figures(q) returns for a query, found as it finds them: no read. */
export const figureKeysOf =
  (goals: readonly Goal[], progress: Pick<GoalProgress, 'ownersOf' | 'target'>) =>
  (q: ProgressQuery): FigureKey[] =>
    goals.flatMap((goal) =>
      progress.ownersOf(goal, q).map((o) => {
        const period = goalPeriodOn(goal.period, localDate(q.asOf.toISOString(), o.timeZone));
        return {
          goal: goal.id,
          period: period.key,
          hasTarget: async () => (await progress.target(goal, o, period)).own !== undefined,
        };
      }),
    );
