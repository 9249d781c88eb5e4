/**
 * Why a goal's figure for one owner is what it is, as of an instant: every record read for the period with what
 * it added or why it was left out (the metric's own verdicts, goals/metrics.ts, so explain never disagrees with
 * progress), records just outside the period (a week each side) and any record asked for by id (another owner,
 * deleted, another period), and the day's evaluation: whether a reminder or recognition was sent or would be,
 * and why (the evaluation's dry-run decisions, what was stored, and the effect ledger's record of each message).
 */
import type { CanonicalRecord, CrmObject } from '../../events';
import { codedError } from '../errors';
import { type Dec, fixedString, moneyString } from '../incentives/money';
import { addDays, localDate } from '../incentives/periods';
import { type Goal, METRICS } from './definition';
import type { OwnerReport } from './evaluation';
import { metricDateOf, metricObject, verdict } from './metrics';
import type { Owner } from './owners';
import { goalPeriodOn } from './periods';
import type { GoalFigures, GoalProgress } from './progress';
import type { ReminderState } from './reminders';

export interface ExplainedRecord {
  id: string;
  name: string | null;
  object: CrmObject;
  /** The instant or local date the record counts on for this metric. */
  date: string;
  /** What it added (counted records), in the figure's unit. */
  value?: string;
  /** Why it was left out. */
  reason?: string;
}

export interface GoalExplanation {
  goal: string;
  owner: string;
  period: string;
  asOf: string;
  figures: GoalFigures | null;
  counted: ExplainedRecord[];
  leftOut: ExplainedRecord[];
  evaluation: {
    /** Why the owner was not evaluated at this instant (not a business day, before notify.at), else null. */
    skipped: string | null;
    today: string | null;
    status: string | null;
    /** The evaluation's own words: reminder reasons, "already evaluated today", "behind at step 2, already …". */
    decision: string | null;
    /** What was stored for the goal and period after earlier evaluations. */
    state: ReminderState | null;
    /** The messages the evaluation would send now, and whether each one's key was already sent. */
    messages: { key: string; kind: string; subject: string; sent: boolean }[];
  };
}

export interface ExplainDeps {
  progress: GoalProgress;
  /** A stored record by id (live or deleted), for `records` asked about by id. */
  get(object: CrmObject, id: string): Promise<{ record: CanonicalRecord; deleted: boolean } | undefined>;
  /** The owner's evaluation as a dry run (GoalEvaluation.evaluateOwner without effects). */
  evaluate(ownerId: string, kind: 'rep' | 'team', asOf: Date): Promise<OwnerReport>;
  states(ownerId: string): Promise<Map<string, ReminderState>>;
  /** The effect ledger: whether a message key was sent. */
  isDone(key: string): Promise<boolean>;
  currency: string;
}

/** Days each side of the period whose records explain lists as "outside the period". */
const EDGE_DAYS = 7;

export const explainGoal = async (
  goal: Goal,
  ownerId: string,
  asOf: Date,
  ids: readonly string[],
  deps: ExplainDeps,
): Promise<GoalExplanation> => {
  const owner = deps.progress.ownerOf(goal, ownerId, asOf);
  if (!owner)
    throw new ExplainError(`${ownerId} is not an owner of goal ${goal.id} on ${asOf.toISOString()}`);
  const today = localDate(asOf.toISOString(), owner.timeZone);
  const period = goalPeriodOn(goal.period, today);
  const object = metricObject(goal);
  const { records, ctx } = await deps.progress.measured(goal, owner, period, asOf);
  const show = (r: CanonicalRecord, extra: Partial<ExplainedRecord>): ExplainedRecord => ({
    id: r.id,
    name: r.name ?? null,
    object,
    date: metricDateOf(goal, r),
    ...extra,
  });
  const unit = (v: Dec) =>
    METRICS[goal.metric.type].money ? moneyString(v, deps.currency) : fixedString(v, 2);
  const counted: ExplainedRecord[] = [];
  const leftOut: ExplainedRecord[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    seen.add(r.id);
    const v = verdict(goal, r, ctx);
    if ('value' in v) counted.push(show(r, { value: unit(v.value) }));
    else leftOut.push(show(r, { reason: 'excluded' in v ? v.excluded : v.skipped }));
  }
  const outside = (r: CanonicalRecord) =>
    show(r, { reason: `counts on ${metricDateOf(goal, r)}, outside the period ${period.key}` });
  for (const [from, to] of [
    [addDays(period.start, -EDGE_DAYS), addDays(period.start, -1)],
    [addDays(period.end, 1), addDays(period.end, EDGE_DAYS)],
  ] as const)
    for (const r of await deps.progress.recordsBetween(goal, owner, from, to))
      if (!seen.has(r.id)) {
        seen.add(r.id);
        leftOut.push(outside(r));
      }
  for (const id of ids) {
    if (seen.has(id)) continue;
    leftOut.push(await askedFor(goal, owner, id, period.key, deps));
  }
  const figures = (await deps.progress.figures({ asOf, ...query(goal, ownerId) })).find(
    (f) => f.goal === goal.id && (f.person ?? f.team ?? owner.id) === owner.id,
  );
  return {
    goal: goal.id,
    owner: owner.id,
    period: period.key,
    asOf: asOf.toISOString(),
    figures: figures ?? null,
    counted,
    leftOut,
    evaluation: await evaluation(goal, owner, period.key, asOf, deps),
  };
};

const query = (goal: Goal, id: string) =>
  goal.owner === 'rep' ? { person: id } : goal.owner === 'team' ? { team: id } : {};

/** A record asked about by id that the period's read did not return: why not. */
const askedFor = async (
  goal: Goal,
  owner: Owner,
  id: string,
  periodKey: string,
  deps: ExplainDeps,
): Promise<ExplainedRecord> => {
  const object = metricObject(goal);
  const stored = await deps.get(object, id);
  const base = { id, name: stored?.record.name ?? null, object };
  if (!stored) return { ...base, date: '', reason: `no ${object} ${id} in the store` };
  const date = metricDateOf(goal, stored.record);
  if (stored.deleted) return { ...base, date, reason: 'deleted in the CRM' };
  const by = stored.record.owner?.id;
  if (!owner.contributors.some((c) => c.id === by))
    return { ...base, date, reason: by ? `owned by ${by}, not ${owner.id}` : 'has no owner' };
  return {
    ...base,
    date,
    reason: `counts on ${date}, outside the period ${periodKey} or its owner's membership`,
  };
};

const evaluation = async (
  goal: Goal,
  owner: Owner,
  periodKey: string,
  asOf: Date,
  deps: ExplainDeps,
): Promise<GoalExplanation['evaluation']> => {
  const kind = goal.owner === 'team' ? 'team' : 'rep';
  const state = (await deps.states(owner.id)).get(`${periodKey}#${goal.id}`) ?? null;
  if (goal.owner === 'tenant')
    return {
      skipped: 'a tenant goal is shown in progress only: no reminders or recognition',
      today: null,
      status: null,
      decision: null,
      state,
      messages: [],
    };
  const report = await deps.evaluate(owner.id, kind, asOf);
  const mine = report.goals.find((g) => g.goal === goal.id);
  const messages: GoalExplanation['evaluation']['messages'] = await Promise.all(
    report.messages
      .filter(
        (m) => !m.key.startsWith('goal-recognition#') || m.key.startsWith(`goal-recognition#${goal.id}#`),
      )
      .map(async (m) => ({ key: m.key, kind: m.kind, subject: m.subject, sent: await deps.isDone(m.key) })),
  );
  // The day's keys are deterministic: a message sent by an earlier run today shows as sent even when today's
  // decision is "already evaluated today".
  if (report.today && !messages.length)
    for (const key of [
      `goal-reminder#${owner.id}#${report.today}`,
      `weekly-checkin#${owner.id}#${report.today}`,
      `goal-recognition#${goal.id}#${periodKey}#${owner.id}#met`,
    ])
      if (await deps.isDone(key))
        messages.push({ key, kind: key.split('#')[0] as string, subject: '', sent: true });
  return {
    skipped: report.skipped ?? null,
    today: report.today ?? null,
    status: mine?.status ?? null,
    decision: mine?.decision ?? (report.skipped ? null : 'not evaluated for this goal'),
    state,
    messages,
  };
};

/** The goal or owner to explain does not exist (the CLI answers with a usage error). */
export class ExplainError extends codedError('not_found') {}
