/**
 * The nightly recompute: every summable goal's total for each owner's current period, computed again from the
 * owner index by GoalProgress (progress.ts, the same code `goals progress` runs without stored totals), compared
 * with the incrementally kept total. A disagreement (an org or goals change that moved records between totals, a
 * crash between the incremental path's two writes, an import that announced no events) is logged with both
 * figures, counted, and corrected: the difference is added to the total (an ADD, so a change applied meanwhile is
 * kept) and the contributions of the owner's records to that total are re-seated, so later changes move it right.
 *
 * Chunked and resumable: the (goal, owner) pairs are done in a stable order, a few at a time, and the cursor (how
 * many are done) is saved every chunk under the run's day; a run that nears its deadline stops and the next run of
 * the night carries on from the cursor. A finished day costs the next runs one read.
 */
import type { CanonicalRecord, CrmObject } from '../../events';
import { type Dec, ZERO } from '../incentives/money';
import { localDate } from '../incentives/periods';
import {
  type Contribution,
  emptyTotal,
  isIncremental,
  type RecordState,
  type StoredTotal,
  sameTotal,
  type TotalDelta,
} from './contributions';
import type { Goal } from './definition';
import type { ProgressStore } from './incremental';
import { metricObject } from './metrics';
import type { Owner } from './owners';
import { goalPeriodOn } from './periods';
import type { GoalProgress, ProgressQuery } from './progress';
import { goalSums, milestoneDates } from './sums';

/** Exact sums of one goal, period and owner from its records: what the stored total must equal. */
export interface RecomputedTotal {
  goal: string;
  period: string;
  owner: string;
  /** The object the goal's metric reads. */
  object: CrmObject;
  total: StoredTotal;
  /** The records read, with their owner-index owner (the recompute repairs their contributions). */
  records: CanonicalRecord[];
}

const recomputeOne = async (
  progress: GoalProgress,
  goal: Goal,
  owner: Owner,
  asOf: Date,
): Promise<RecomputedTotal> => {
  const period = goalPeriodOn(goal.period, localDate(asOf.toISOString(), owner.timeZone));
  const records = await progress.records(goal, owner, period);
  const sums = goalSums(goal, owner, records, progress.ctx(goal, owner));
  const milestones: Record<string, Dec> = {};
  for (const by of milestoneDates(goal, owner, period)) milestones[by] = sums.reachedBy(by);
  return {
    goal: goal.id,
    period: period.key,
    owner: owner.id,
    object: metricObject(goal),
    total: { actual: sums.value, pipeline: sums.pipeline, milestones, skipped: sums.skipped.length },
    records,
  };
};

/** The (goal, owner) pairs of summable goals a recompute covers, in a stable order. */
export const recomputeUnits = (progress: GoalProgress, q: ProgressQuery): { goal: string; owner: string }[] =>
  progress.goals.doc.goals
    .filter(isIncremental)
    .flatMap((goal) => progress.ownersOf(goal, q).map((owner) => ({ goal: goal.id, owner: owner.id })));

/** Exact sums of some of those pairs, read in parallel (reads shared between them, none kept from before). */
export const recomputeSums = (
  progress: GoalProgress,
  q: ProgressQuery,
  units: { goal: string; owner: string }[],
): Promise<RecomputedTotal[]> => {
  progress.fresh();
  const wanted = new Set(units.map((u) => `${u.goal}|${u.owner}`));
  const pairs = progress.goals.doc.goals
    .filter((g) => isIncremental(g) && units.some((u) => u.goal === g.id))
    .flatMap((goal) => progress.ownersOf(goal, q).map((owner) => ({ goal, owner })))
    .filter((u) => wanted.has(`${u.goal.id}|${u.owner.id}`));
  return Promise.all(pairs.map((u) => recomputeOne(progress, u.goal, u.owner, q.asOf)));
};

/** Exact sums per summable goal and owner from the owner index, a few pairs at a time. */
export const recomputedTotals = async (
  progress: GoalProgress,
  q: ProgressQuery,
): Promise<RecomputedTotal[]> => {
  const units = recomputeUnits(progress, q);
  const out: RecomputedTotal[] = [];
  for (let i = 0; i < units.length; i += 8)
    out.push(...(await recomputeSums(progress, q, units.slice(i, i + 8))));
  return out;
};

export interface RecomputeStore extends ProgressStore {
  reseat(
    object: string,
    recordId: string,
    version: number,
    key: { goal: string; period: string; owner: string },
    fresh: readonly Contribution[],
  ): Promise<boolean>;
  cursor(run: string): Promise<{ done: number; finishedAt?: string } | undefined>;
  saveCursor(run: string, cursor: { done: number; finishedAt?: string }): Promise<void>;
}

export interface Disagreement {
  goal: string;
  period: string;
  owner: string;
  stored: StoredTotal;
  recomputed: StoredTotal;
}

export interface RecomputeDeps {
  progress: GoalProgress;
  store: RecomputeStore;
  contributions: (state: RecordState) => Contribution[];
  /** True when the run should stop and leave the rest to the next (its deadline is near). */
  timeUp: () => boolean;
  onDisagreement: (d: Disagreement) => void;
  /** Pairs done between cursor saves. */
  chunk?: number;
}

export interface RecomputeReport {
  run: string;
  units: number;
  checked: number;
  disagreements: number;
  finished: boolean;
  /** Where this invocation started (0 for a fresh run; more when it resumed). */
  resumedAt: number;
}

const difference = (
  goal: string,
  period: string,
  owner: string,
  from: StoredTotal,
  to: StoredTotal,
): TotalDelta => {
  const milestones: TotalDelta['milestones'] = {};
  for (const by of new Set([...Object.keys(from.milestones), ...Object.keys(to.milestones)])) {
    const d = (to.milestones[by] ?? ZERO).minus(from.milestones[by] ?? ZERO);
    if (!d.isZero()) milestones[by] = d;
  }
  return {
    goal,
    period,
    owner,
    actual: to.actual.minus(from.actual),
    pipeline: to.pipeline.minus(from.pipeline),
    milestones,
    skipped: to.skipped - from.skipped,
  };
};

/** Recomputes the run's remaining pairs as of `asOf`; `run` names the night (the tenant's local date). */
export const recomputeGoals = async (run: string, asOf: Date, d: RecomputeDeps): Promise<RecomputeReport> => {
  const chunk = d.chunk ?? 8;
  const units = recomputeUnits(d.progress, { asOf });
  const cursor = await d.store.cursor(run);
  const report: RecomputeReport = {
    run,
    units: units.length,
    checked: 0,
    disagreements: 0,
    finished: cursor?.finishedAt !== undefined,
    resumedAt: cursor?.done ?? 0,
  };
  if (report.finished) return report;
  let done = cursor?.done ?? 0;
  while (done < units.length) {
    if (d.timeUp()) return report;
    const sums = await recomputeSums(d.progress, { asOf }, units.slice(done, done + chunk));
    for (const r of sums) {
      report.checked++;
      const stored = (await d.store.total(r.goal, r.period, r.owner)) ?? emptyTotal();
      if (sameTotal(stored, r.total)) continue;
      report.disagreements++;
      d.onDisagreement({ goal: r.goal, period: r.period, owner: r.owner, stored, recomputed: r.total });
      await d.store.addToTotals([difference(r.goal, r.period, r.owner, stored, r.total)]);
      for (const record of r.records) {
        const state = { object: r.object, record, deleted: false };
        await d.store.reseat(r.object, record.id, Date.parse(record.modifiedAt), r, d.contributions(state));
      }
    }
    done = Math.min(units.length, done + chunk);
    await d.store.saveCursor(run, { done });
  }
  await d.store.saveCursor(run, { done, finishedAt: asOf.toISOString() });
  report.finished = true;
  return report;
};
