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
import { ZERO } from '../incentives/money';
import {
  type Contribution,
  emptyTotal,
  type RecordState,
  type StoredTotal,
  sameTotal,
  type TotalDelta,
} from './contributions';
import type { ProgressStore } from './incremental';
import type { GoalProgress } from './progress';

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
  const units = d.progress.recomputeUnits({ asOf });
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
    const sums = await d.progress.recomputeSums({ asOf }, units.slice(done, done + chunk));
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
