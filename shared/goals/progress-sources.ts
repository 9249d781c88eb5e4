/**
 * What goal progress reads through (progress.ts): the ports over the tenant's records, targets, quotas, rates and
 * stored totals, the tenant it works for, and the owner-index reads over those ports by local dates.
 */
import type { CanonicalRecord, CrmObject } from '../../events';
import type { Dec } from '../incentives/money';
import { addDays, startOfLocalDay } from '../incentives/periods';
import type { StoredTotal, TotalKey } from './contributions';
import type { GoalPeriod } from './periods';

export interface ProgressSources {
  /** An owner's live records of one object with goal dates in [lower, upper] (store/records.ts `owned`). */
  owned(object: CrmObject, ownerId: string, lower: string, upper: string): Promise<CanonicalRecord[]>;
  /** An owner's live deals or leads created in [lower, upper], UTC instants (store/records.ts `created`). */
  created?(object: CrmObject, ownerId: string, lower: string, upper: string): Promise<CanonicalRecord[]>;
  /** The stored target of (goal, period key, owner), a decimal string. */
  target(goal: string, period: string, owner: string): Promise<string | undefined>;
  /** The rep's incentive quota over the period in the tenant currency; undefined without a plan. */
  quota?(repId: string, period: GoalPeriod): Dec | undefined;
  fxRate(from: string, to: string, date: string): Dec | undefined;
  /**
   * The stored incremental totals of some (goal, period key, owner) (store/goal-progress.ts), by `totalKey`, for
   * summable metrics: when given, progress reads them (a batch read for all the query's goals and owners) instead
   * of the owners' records. A key left out: nothing counted yet.
   */
  stored?(keys: readonly TotalKey[]): Promise<Map<string, StoredTotal>>;
}

export interface ProgressTenant {
  id: string;
  currency: string;
  timeZone: string;
}

/**
 * Records of one owner in [from, to] (local dates in the zone): by goal date through the owner index (deals by
 * close date, others by instants), or by creation time through the creation index.
 */
export const ownedIn = (
  src: ProgressSources,
  by: 'goal' | 'created',
  object: CrmObject,
  ownerId: string,
  from: string,
  to: string,
  timeZone: string,
): Promise<CanonicalRecord[]> => {
  if (by === 'goal' && object === 'deal') return src.owned(object, ownerId, from, to);
  const lower = startOfLocalDay(from, timeZone).toISOString();
  const upper = new Date(startOfLocalDay(addDays(to, 1), timeZone).getTime() - 1).toISOString();
  if (by === 'goal') return src.owned(object, ownerId, lower, upper);
  if (!src.created) throw new Error('this progress source has no creation index (ProgressSources.created)');
  return src.created(object, ownerId, lower, upper);
};
