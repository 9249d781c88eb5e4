/**
 * What the daily goal evaluation (evaluation.ts) is given, its tenant and its dependencies, and what it gives back:
 * the effects it runs through the ledger and a report per owner.
 */
import type { Org } from '../org/model';
import type { OutgoingEmail } from '../ports';
import type { ChatFormat } from '../workflows/definition';
import type { CheckinDeals } from './checkin';
import type { DecidedToday, FigureKey } from './decided-today';
import type { GoalMailContext } from './mail';
import type { GoalFigures, ProgressQuery } from './progress';
import type { ReminderState } from './reminders';
import type { CompiledGoals } from './validate';

export interface EvaluationTenant {
  id: string;
  displayName: string;
  timeZone: string;
  currency: string;
  mail: { sender: string; senderName?: string | undefined; replyTo?: string | undefined };
  branding?: GoalMailContext['branding'];
}

export type GoalEffect =
  | { key: string; payload: { kind: 'email'; email: OutgoingEmail } }
  | { key: string; payload: { kind: 'chat'; url: string; body: Record<string, unknown> } };

export interface EvaluationDeps {
  goals: CompiledGoals;
  org: Org;
  tenant: EvaluationTenant;
  figures(q: ProgressQuery): Promise<GoalFigures[]>;
  /** The rep's wins of the week and deals due, for the weekly check-in (GoalProgress.weekDeals). */
  checkinDeals?(personId: string, today: string): Promise<CheckinDeals>;
  /** Whether the person logged an activity dated in [from, to] (GoalProgress.loggedActivity); no check without it. */
  loggedActivity?(personId: string, from: string, to: string, timeZone: string): Promise<boolean>;
  /** Periods in a row the owner met the goal, the current one included (GoalProgress.streak); 1 without it. */
  streak?(goalId: string, ownerId: string, asOf: Date): Promise<number>;
  states: {
    states(ownerId: string): Promise<Map<string, ReminderState>>;
    save(ownerId: string, periodKey: string, goalId: string, state: ReminderState): Promise<void>;
  };
  /** The effect ledger; absent in a dry run. */
  effects?: {
    run(e: GoalEffect & { correlationId: string }): Promise<{ outcome: 'performed' | 'duplicate' }>;
  };
  /** The team chat webhook recognition is posted to (notify.chatWebhook, resolved). */
  chat?: { url: string; format: ChatFormat } | undefined;
  correlationId: string;
  /**
   * The goals and periods `figures(q)` returns, found without reading (the goals and the org decide them); with
   * `decided`, a run skips the reads of an owner whose every one of these was decided today already.
   */
  figureKeys?(q: ProgressQuery): FigureKey[];
  /** What earlier runs of this container decided today (kept across runs); see DecidedToday. */
  decided?: DecidedToday;
}

export interface PlannedMessage {
  key: string;
  kind: OutgoingEmail['kind'] | 'chat';
  to: string[];
  subject: string;
  outcome?: 'performed' | 'duplicate';
}

export interface OwnerReport {
  owner: string;
  today?: string;
  /** Why nothing was evaluated for this owner now. */
  skipped?: string;
  /** Per goal: the status and why a reminder was or was not sent. */
  goals: { goal: string; period: string; status: string; decision: string }[];
  messages: PlannedMessage[];
  /** Messages that could not be addressed (no email), with why. */
  unsent: string[];
}
