/**
 * What a day's evaluation tells whom, decided from a goal's figures (goals/progress.ts) and what the owner was told
 * before (one small state per owner, goal and period). Pure: no store, no clock, no mail.
 *
 * Reminders follow pace, not dates. A rep hears when a goal falls behind; again only when it worsens a step (the
 * gap grows by another `pace.behindGap` of expected: 10 % → 20 % → …) or once the cool-down has passed (default
 * 5 business days) and it is still behind; never every day. A missed milestone is a reminder too, and so is an
 * activities goal's owner logging nothing in `notify.inactivityDays` business days. The manager hears
 * once per behind spell, when the rep has stayed behind `escalateAfterDays` business days. Meeting the goal and
 * reaching a milestone are recognised once per period.
 */
import { Dec } from '../incentives/money';
import type { Goal } from './definition';
import type { GoalFigures } from './progress';

/** What the owner was told about one goal in one period; stored compactly (store/goal-reminders.ts). */
export interface ReminderState {
  /** The last local date this goal was evaluated for the owner: a second run that day decides nothing. */
  on: string;
  /** The behind step last reminded of (0: not behind, or not reminded yet). */
  step: number;
  /** When the owner was last reminded. */
  notifiedOn?: string;
  /** The first evaluated day of the current behind spell. */
  behindSince?: string;
  /** The manager has been told about this behind spell. */
  escalated?: boolean;
  /** The goal's meeting was recognised. */
  met?: boolean;
  /** Milestones (their `by` dates) already reminded of (missed) or recognised (reached). */
  milestones?: string[];
  /** Activities goals: when the owner was last told that no activity was logged (cleared once one is). */
  inactiveNotifiedOn?: string;
}

export type ReminderReason =
  | { kind: 'behind'; step: number }
  | { kind: 'worsened'; step: number; from: number }
  | { kind: 'still_behind'; step: number; since: string }
  | { kind: 'milestone_missed'; by: string; value: string }
  /** No activity logged in the last `days` business days (activities goals, `notify.inactivityDays`). */
  | { kind: 'no_activity'; days: number };

export type Recognition = { kind: 'met' } | { kind: 'milestone'; by: string; value: string };

export interface GoalDecision {
  figures: GoalFigures;
  reasons: ReminderReason[];
  recognitions: Recognition[];
  /** Tell the manager: behind since `behindSince` for `days` business days. */
  escalate?: { since: string; days: number };
  /** The state to store; undefined when nothing changed (already evaluated today). */
  next: ReminderState | undefined;
}

export interface DecisionContext {
  /** The owner's local date today (a business day on their calendar). */
  today: string;
  /** Business days on the owner's calendar in (from, to]: how long since a date. */
  businessDaysSince: (from: string) => number;
  /** pace.behindGap of the goals document, as a decimal string. */
  behindGap: string;
  /**
   * Activities goals: the owner logged no activity in the last `days` business days (undefined: they did, or the
   * check is off). Reminded once, then again only after the cool-down while it lasts.
   */
  inactive?: { days: number };
}

/**
 * How far behind, in steps of `behindGap` of expected: gap 12 % at behindGap 10 % is step 1, 25 % is step 2.
 * At least 1 for a goal pace counts as behind.
 */
export const behindStep = (f: GoalFigures, behindGap: string): number => {
  if (f.status !== 'behind' || f.gap === null || f.expected === null) return 0;
  const expected = new Dec(f.expected);
  const unit = new Dec(behindGap);
  if (expected.isZero() || unit.isZero()) return 1;
  return Math.max(1, new Dec(f.gap).dividedBy(expected).dividedBy(unit).floor().toNumber());
};

export const decide = (
  goal: Pick<Goal, 'reminders' | 'recognition'>,
  f: GoalFigures,
  prev: ReminderState | undefined,
  ctx: DecisionContext,
): GoalDecision => {
  const none: GoalDecision = { figures: f, reasons: [], recognitions: [], next: undefined };
  if (prev?.on === ctx.today || f.status === 'no_target') return none;
  const policy = goal.reminders;
  const reasons: ReminderReason[] = [];
  const recognitions: Recognition[] = [];
  const next: ReminderState = { ...prev, on: ctx.today, step: prev?.step ?? 0 };
  let escalate: GoalDecision['escalate'];

  if (f.status === 'behind') {
    const step = behindStep(f, ctx.behindGap);
    const since = prev?.behindSince ?? ctx.today;
    next.behindSince = since;
    if (policy.enabled) {
      const last = prev?.step ?? 0;
      let reason: ReminderReason | undefined;
      if (last === 0) reason = { kind: 'behind', step };
      else if (step > last) reason = { kind: 'worsened', step, from: last };
      else if (prev?.notifiedOn && ctx.businessDaysSince(prev.notifiedOn) >= policy.cooldownDays)
        reason = { kind: 'still_behind', step, since };
      if (reason) {
        reasons.push(reason);
        next.step = step;
        next.notifiedOn = ctx.today;
      }
      const days = ctx.businessDaysSince(since);
      if (!prev?.escalated && policy.escalateAfterDays > 0 && days >= policy.escalateAfterDays) {
        escalate = { since, days };
        next.escalated = true;
      }
    }
  } else {
    // Back on pace (or met): the next fall behind is news again, and so is a new spell to the manager.
    next.step = 0;
    delete next.behindSince;
    delete next.escalated;
  }

  if (ctx.inactive && policy.enabled) {
    const last = prev?.inactiveNotifiedOn;
    if (!last || ctx.businessDaysSince(last) >= policy.cooldownDays) {
      reasons.push({ kind: 'no_activity', days: ctx.inactive.days });
      next.inactiveNotifiedOn = ctx.today;
    }
  } else delete next.inactiveNotifiedOn;

  if (f.status === 'met' && !prev?.met) {
    next.met = true;
    if (goal.recognition) recognitions.push({ kind: 'met' });
  }
  const told = new Set(prev?.milestones ?? []);
  for (const m of f.milestones) {
    if (told.has(m.by) || m.state === 'upcoming') continue;
    told.add(m.by);
    if (m.state === 'missed' && policy.enabled)
      reasons.push({ kind: 'milestone_missed', by: m.by, value: m.value });
    if (m.state === 'reached' && goal.recognition)
      recognitions.push({ kind: 'milestone', by: m.by, value: m.value });
  }
  if (told.size) next.milestones = [...told].sort();
  return { figures: f, reasons, recognitions, ...(escalate ? { escalate } : {}), next };
};
