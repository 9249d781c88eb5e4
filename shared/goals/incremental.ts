/**
 * Applying one record change to the stored goal totals, exactly once per record version, through a small port (the
 * DynamoDB store in store/goal-progress.ts, an in-memory one in tests):
 *   1. read what the record contributes now (its contribution item: version and contributions);
 *   2. a version not newer than the stored one changes nothing (a re-delivery, or an older change arriving late);
 *   3. a version that moves no total (the same contributions, or none before and none now) writes nothing: most
 *      updates cost the one read. The stored version then lags behind the record, so step 2 alone no longer stops
 *      an older version arriving late; before any write, the canonical copy (one more read, on the write path only)
 *      says which version is current, and a newer one is applied instead of the one delivered;
 *   4. otherwise replace the contribution item, conditionally on the version read (a concurrent writer makes us
 *      read again), then add the deltas (new − old) to each total that changes: one write per total.
 * A deal moved back from won, reassigned, re-dated or deleted therefore takes its old share out of the totals it
 * fed and puts its new share in.
 *
 * DynamoDB transactions would make step 3 atomic, but dynalite (the local stand-in) has none, so the contribution is
 * written first: a crash between the two writes leaves the totals short by that one change (never counted twice),
 * and the nightly recompute (goals/recompute.ts) finds, logs, counts and corrects it.
 */
import {
  type Contribution,
  type RecordState,
  type StoredTotal,
  type TotalDelta,
  totalDeltas,
} from './contributions';

export interface StoredContribution {
  /** The record version (source modification time, epoch ms) the contributions are of. */
  version: number;
  contributions: Contribution[];
}

export interface ProgressStore {
  contribution(object: string, recordId: string): Promise<StoredContribution | undefined>;
  /** Replaces the contribution item if it is still at `seen` (undefined: absent); false when it is not. */
  putContribution(
    object: string,
    recordId: string,
    next: StoredContribution,
    seen: number | undefined,
  ): Promise<boolean>;
  /** Adds each delta to its total (one write per total). */
  addToTotals(deltas: readonly TotalDelta[]): Promise<void>;
  total(goal: string, period: string, owner: string): Promise<StoredTotal | undefined>;
}

/** The canonical copy of records (store/records.ts): the version sync stored last, at least any delivered one. */
export interface CanonicalRecords {
  get(object: RecordState['object'], id: string): Promise<(RecordState & { version: number }) | undefined>;
}

export type IncrementalOutcome =
  | { outcome: 'applied'; deltas: TotalDelta[] }
  | { outcome: 'unchanged' | 'stale'; deltas: [] };

const MAX_RACE_RETRIES = 5;

/** One record version into the totals; `contributionsOf` is the pure model (contributions.ts) bound to the tenant. */
export const applyRecordToGoals = async (
  state: RecordState & { version: number },
  contributionsOf: (state: RecordState) => Contribution[],
  store: ProgressStore,
  canonical: CanonicalRecords,
): Promise<IncrementalOutcome> => {
  for (let attempt = 0; attempt < MAX_RACE_RETRIES; attempt++) {
    const stored = await store.contribution(state.object, state.record.id);
    if (stored && stored.version > state.version) return { outcome: 'stale', deltas: [] };
    if (stored && stored.version === state.version) return { outcome: 'unchanged', deltas: [] };
    let target = state;
    let next = contributionsOf(state);
    let deltas = totalDeltas(stored?.contributions ?? [], next);
    if (deltas.length === 0) return { outcome: 'applied', deltas: [] };
    const current = await canonical.get(state.object, state.record.id);
    if (current && current.version > state.version) {
      if (stored && stored.version >= current.version) return { outcome: 'stale', deltas: [] };
      target = current;
      next = contributionsOf(current);
      deltas = totalDeltas(stored?.contributions ?? [], next);
      if (deltas.length === 0) return { outcome: 'stale', deltas: [] };
    }
    const written = await store.putContribution(
      target.object,
      target.record.id,
      { version: target.version, contributions: next },
      stored?.version,
    );
    if (!written) continue;
    if (deltas.length) await store.addToTotals(deltas);
    return { outcome: 'applied', deltas };
  }
  throw new Error(
    `goal contributions of ${state.object}/${state.record.id} kept changing under us; giving up for a retry`,
  );
};
