/** What goal progress answers (progress.ts): the query, and the figures of one goal for one owner. */
import type { PaceStatus } from './pace';

export interface GoalFigures {
  goal: string;
  owner: 'rep' | 'team' | 'tenant';
  /** The rep's id (rep goals), else null. */
  person: string | null;
  /** The team's id (team goals), else null. */
  team: string | null;
  name: string;
  period: string;
  timeZone: string;
  metric: string;
  /** The currency for amounts, "count" for counts. */
  unit: string;
  target: string | null;
  actual: string;
  /** How `expected` was worked out: `history` (the owner's usual curve) or `linear` (business days). */
  curve: 'linear' | 'history';
  /** Last period's actual when the goal asks for it (`baseline: "last_period"`), else null. */
  baseline?: string | null;
  expected: string | null;
  gap: string | null;
  attainment: string | null;
  neededPerDay: string | null;
  neededPerWeek: string | null;
  projected: string | null;
  coverage: string | null;
  status: PaceStatus | 'no_target';
  businessDays: { total: number; elapsed: number; remaining: number };
  milestones: { by: string; value: string; state: 'reached' | 'missed' | 'upcoming' }[];
  /** A team's own target differs from the sum of its members' targets. */
  mismatch: { own: string; members: string } | null;
  /** Records the metric could not read, with why. */
  skipped: { id: string; reason: string }[];
}

export interface ProgressQuery {
  asOf: Date;
  person?: string;
  team?: string;
}
