/**
 * The daily goal evaluation. It runs every hour (functions/schedules/goal-evaluation.ts); each run takes the people
 * whose local time has reached `notify.at` (default 08:30) on one of their business days and who were not evaluated
 * yet that day, so everyone is evaluated once a day in their own zone, and a missed or failed run is made up by the
 * next. For each such rep: their goals' figures as of the instant, the decisions (goals/reminders.ts) against what
 * they were told before, then at most one reminder (or, on the check-in day, the weekly check-in with the reminders
 * folded in), congratulations, the manager's note, the team chat post. Every message goes through the effect
 * ledger under a deterministic key (person and day, or goal, period and milestone), so a second run sends nothing
 * again; the state is written after the messages, so a failed send is decided and sent again by the next run.
 * Team goals are evaluated in the team manager's zone, for recognition only (the whole team hears when it is met).
 */
import { senderOf } from '../mail/sender';
import type { Person } from '../org/model';
import type { OutgoingEmail } from '../ports';
import { addDays, isBusinessDay, isoWeekday, localTime } from '../workflows/calendar';
import { chatPayload } from '../workflows/chat';
import { checkinBlocks } from './checkin';
import { type Goal, WEEKDAYS } from './definition';
import { goalsDueOn } from './due';
import type { EvaluationDeps, GoalEffect, OwnerReport, PlannedMessage } from './evaluation-types';
import {
  checkinMail,
  type Escalation,
  escalationMail,
  type GoalItem,
  type GoalMailContext,
  recognitionChatText,
  recognitionMail,
  reminderMail,
} from './mail';
import type { ProgressQuery } from './progress';
import { type DecisionContext, decide, type GoalDecision, type ReminderState } from './reminders';
import type { CompiledGoals } from './validate';

export type {
  EvaluationDeps,
  EvaluationTenant,
  GoalEffect,
  OwnerReport,
  PlannedMessage,
} from './evaluation-types';

/** The check-in day of the week containing `today`: the configured weekday, or the next business day after it. */
const isCheckinDay = (
  goals: CompiledGoals,
  cal: Parameters<typeof isBusinessDay>[0],
  today: string,
): boolean => {
  const c = goals.doc.notify.checkin;
  if (!c.enabled) return false;
  const wanted = WEEKDAYS.indexOf(c.weekday) + 1;
  let day = addDays(today, wanted - isoWeekday(today));
  if (day > today) return false;
  while (!isBusinessDay(cal, day) && day < today) day = addDays(day, 1);
  return day === today;
};

const describe = (d: GoalDecision, prev: ReminderState | undefined, cooldown: number): string => {
  if (!d.next)
    return d.figures.status === 'no_target' ? 'no target for the period' : 'already evaluated today';
  if (d.reasons.length) return `reminder: ${d.reasons.map((r) => r.kind).join(', ')}`;
  if (d.figures.status === 'behind')
    return `behind at step ${d.next.step}, already reminded on ${prev?.notifiedOn} (again after ${cooldown} business days or a worse step)`;
  return `${d.figures.status}: nothing to remind`;
};

export class GoalEvaluation {
  constructor(private readonly deps: EvaluationDeps) {}

  private calendarOf(p: Person | undefined) {
    return this.deps.goals.calendar(p?.calendar ?? this.deps.goals.doc.org.calendar);
  }

  /** The owner's local date when they are due now, else why not. */
  private due(zone: string, person: Person | undefined, asOf: Date): { today: string } | { skipped: string } {
    return goalsDueOn(this.deps.goals, zone, person?.calendar ?? this.deps.goals.doc.org.calendar, asOf);
  }

  /** The reps the rep goals cover today (goals/progress.ts picks the same). */
  private reps(asOf: Date): string[] {
    const { goals, org, tenant } = this.deps;
    const today = localTime(asOf, tenant.timeZone).date;
    const ids = goals.doc.goals
      .filter((g) => g.owner === 'rep')
      .flatMap(
        (g) => g.people ?? (g.teams ? g.teams.flatMap((t) => org.members(t, today)) : org.teamMembers(today)),
      );
    return [...new Set(ids)].sort();
  }

  async run(asOf: Date): Promise<OwnerReport[]> {
    const out: OwnerReport[] = [];
    for (const id of this.reps(asOf)) out.push(await this.owner(id, 'rep', asOf));
    const today = localTime(asOf, this.deps.tenant.timeZone).date;
    if (this.deps.goals.doc.goals.some((g) => g.owner === 'team'))
      for (const t of this.deps.org.teams(today)) out.push(await this.owner(t.id, 'team', asOf));
    return out;
  }

  /** One owner's evaluation as of the instant (a dry run without `effects`): what explain shows. */
  evaluateOwner(id: string, kind: 'rep' | 'team', asOf: Date): Promise<OwnerReport> {
    return this.owner(id, kind, asOf);
  }

  /**
   * `{ days }` when the rep logged no activity in the last `notify.inactivityDays` business days before today, nor
   * today so far (their zone and calendar), else undefined (also when the check is off).
   */
  private async inactivity(
    id: string,
    today: string,
    zone: string,
    cal: Parameters<typeof isBusinessDay>[0],
  ): Promise<{ days: number } | undefined> {
    const days = this.deps.goals.doc.notify.inactivityDays;
    const check = this.deps.loggedActivity;
    if (!days || !check) return undefined;
    let from = today;
    for (let n = 0; n < days; ) {
      from = addDays(from, -1);
      if (isBusinessDay(cal, from)) n++;
    }
    // Today's activities so far count too: a rep who logged calls before the morning's evaluation is not nagged.
    return (await check(id, from, today, zone)) ? undefined : { days };
  }

  private managerOf(personId: string, today: string): Person | undefined {
    const { org } = this.deps;
    const p = org.person(personId);
    const id = p?.managerId ?? org.teamsOf(personId, today).find((t) => t.managerId)?.managerId;
    return id ? org.person(id) : undefined;
  }

  private async owner(id: string, kind: 'rep' | 'team', asOf: Date): Promise<OwnerReport> {
    const { goals, org, tenant } = this.deps;
    const report: OwnerReport = { owner: id, goals: [], messages: [], unsent: [] };
    const team = kind === 'team' ? org.team(id) : undefined;
    const person = kind === 'rep' ? org.person(id) : team?.managerId ? org.person(team.managerId) : undefined;
    const zone = person?.timeZone ?? tenant.timeZone;
    const due = this.due(zone, person, asOf);
    if ('skipped' in due) return { ...report, skipped: due.skipped };
    const today = due.today;
    report.today = today;
    const query: ProgressQuery = kind === 'rep' ? { asOf, person: id } : { asOf, team: id };
    if (await this.decidedEarlier(kind, id, today, query))
      return { ...report, skipped: `every goal was decided earlier today (${today})` };
    const figures = await this.deps.figures(query);
    const states = await this.deps.states.states(id);
    const cal = this.calendarOf(person);
    const ctx: DecisionContext = {
      today,
      behindGap: goals.doc.pace.behindGap,
      businessDaysSince: (from) => {
        let n = 0;
        for (let d = addDays(from, 1); d <= today; d = addDays(d, 1)) if (isBusinessDay(cal, d)) n++;
        return n;
      },
    };
    // The rep's first activities goal with a target carries the "no activity logged" reminder (once, not per
    // goal); without one, the activity read is not made at all.
    const carrier =
      kind === 'rep'
        ? figures.find(
            (f) =>
              f.metric === 'activities' && f.status !== 'no_target' && goals.goal(f.goal)?.owner === 'rep',
          )
        : undefined;
    const inactive = carrier ? await this.inactivity(id, today, zone, cal) : undefined;
    const decided: { goal: Goal; d: GoalDecision }[] = [];
    for (const f of figures) {
      const goal = goals.goal(f.goal);
      if (!goal || goal.owner !== kind) continue;
      const prev = states.get(`${f.period}#${f.goal}`);
      const d = decide(goal, f, prev, inactive && f === carrier ? { ...ctx, inactive } : ctx);
      decided.push({ goal, d });
      report.goals.push({
        goal: f.goal,
        period: f.period,
        status: f.status,
        decision:
          kind === 'team' && d.next
            ? 'team goal: recognition only'
            : describe(d, prev, goal.reminders.cooldownDays),
      });
    }
    if (!decided.some((x) => x.d.next)) {
      this.remember(kind, id, today, decided, states);
      return report;
    }

    const locale = person?.locale ?? 'en';
    const mailCtx = (l = locale): GoalMailContext => ({
      locale: l,
      tenantName: tenant.displayName,
      branding: tenant.branding,
    });
    const email = (
      kind: OutgoingEmail['kind'],
      to: string[],
      m: { subject: string; html: string; text: string },
      cc: string[] = [],
    ): OutgoingEmail => ({
      kind,
      from: senderOf(tenant.mail),
      to,
      ...(cc.length ? { cc } : {}),
      ...(tenant.mail.replyTo ? { replyTo: [tenant.mail.replyTo] } : {}),
      ...m,
    });
    const manager = kind === 'rep' ? this.managerOf(id, today) : person;

    if (kind === 'rep') {
      const items: GoalItem[] = decided
        .filter((x) => x.d.figures.status !== 'no_target')
        .map((x) => ({ goal: x.goal, figures: x.d.figures, reasons: x.d.reasons }));
      const reminded = items.filter((i) => i.reasons.length);
      const fresh = decided.some((x) => x.d.next);
      const name = person?.name ?? id;
      if (fresh && items.length && isCheckinDay(goals, cal, today)) {
        const deals = await this.deps.checkinDeals?.(id, today);
        const m = checkinMail(name, today, items, mailCtx(), checkinBlocks(deals, items, today, locale));
        await this.send(report, `weekly-checkin#${id}#${today}`, person?.email, (to) =>
          email('weekly-checkin', to, m),
        );
      } else if (reminded.length) {
        const m = reminderMail(name, reminded, mailCtx());
        await this.send(report, `goal-reminder#${id}#${today}`, person?.email, (to) =>
          email('goal-reminder', to, m),
        );
      }
      const escalations: Escalation[] = decided.flatMap(({ goal, d }) =>
        d.escalate ? [{ repName: name, goal, figures: d.figures, ...d.escalate }] : [],
      );
      if (escalations.length) {
        if (!manager) report.unsent.push(`${id} has stayed behind but has no manager to tell`);
        else {
          const m = escalationMail(manager.name, escalations, mailCtx(manager.locale));
          await this.send(report, `goal-escalation#${manager.id}#${id}#${today}`, manager.email, (to) =>
            email('goal-reminder', to, m),
          );
        }
      }
    }

    for (const { goal, d } of decided)
      for (const r of d.recognitions) {
        const streak =
          r.kind === 'met' && this.deps.streak ? await this.deps.streak(goal.id, id, asOf) : undefined;
        const item = { goal, figures: d.figures, recognition: r, ...(streak ? { streak } : {}) };
        const what = r.kind === 'met' ? 'met' : `milestone#${r.by}`;
        const key = `goal-recognition#${goal.id}#${d.figures.period}#${id}#${what}`;
        const recipients = kind === 'rep' ? [person] : org.members(id, today).map((m) => org.person(m));
        const to = recipients.flatMap((p) => (p?.email ? [p.email] : []));
        const cc = manager?.email && !to.includes(manager.email) ? [manager.email] : [];
        const m = recognitionMail(
          kind === 'rep' ? (person?.name ?? id) : (team?.name ?? id),
          item,
          mailCtx(),
        );
        await this.send(report, key, to.length ? to : undefined, (to) =>
          email('goal-recognition', to, m, cc),
        );
        const chat = this.deps.chat;
        if (chat && !(kind === 'rep' && goals.doc.notify.chatOptOut.includes(id))) {
          const text = recognitionChatText(
            kind === 'rep' ? (person?.name ?? id) : (team?.name ?? id),
            item,
            locale,
          );
          await this.effect(
            report,
            {
              key: `${key}#chat`,
              payload: { kind: 'chat', url: chat.url, body: chatPayload(chat.format, text) },
            },
            [],
            text,
          );
        }
      }

    if (this.deps.effects)
      for (const { goal, d } of decided)
        if (d.next) await this.deps.states.save(id, d.figures.period, goal.id, d.next);
    this.remember(kind, id, today, decided, states);
    return report;
  }

  /** Records the owner as decided today when each goal's state now says today, or it had no target. */
  private remember(
    kind: 'rep' | 'team',
    id: string,
    today: string,
    decided: { goal: Goal; d: GoalDecision }[],
    states: Map<string, ReminderState>,
  ): void {
    const key = ({ goal, d }: { goal: Goal; d: GoalDecision }) => `${d.figures.period}#${goal.id}`;
    const untargeted = decided.filter((x) => x.d.figures.status === 'no_target');
    if (decided.every((x) => x.d.next || states.get(key(x))?.on === today || untargeted.includes(x)))
      this.memo()?.record(`${kind}:${id}`, today, decided.map(key), untargeted.map(key));
  }

  /** Whether an earlier run today decided all of the owner's goals, none of which has had a target set since. */
  private async decidedEarlier(kind: 'rep' | 'team', id: string, today: string, q: ProgressQuery) {
    const keys = this.deps.figureKeys?.(q).filter((k) => this.deps.goals.goal(k.goal)?.owner === kind);
    return keys !== undefined && (await this.memo()?.decidedEarlier(`${kind}:${id}`, today, keys)) === true;
  }

  /** The container's memory of what was decided today; none in a dry run. */
  private memo() {
    return this.deps.effects ? this.deps.decided : undefined;
  }

  private async send(
    report: OwnerReport,
    key: string,
    to: string | string[] | undefined,
    build: (to: string[]) => OutgoingEmail,
  ): Promise<void> {
    if (!to || (Array.isArray(to) && !to.length)) {
      report.unsent.push(`${key}: no email address in the org`);
      return;
    }
    const email = build(Array.isArray(to) ? to : [to]);
    await this.effect(
      report,
      { key, payload: { kind: 'email', email } },
      email.to,
      email.subject,
      email.kind,
    );
  }

  private async effect(
    report: OwnerReport,
    e: GoalEffect,
    to: string[],
    subject: string,
    kind: PlannedMessage['kind'] = 'chat',
  ): Promise<void> {
    const planned: PlannedMessage = { key: e.key, kind, to, subject };
    report.messages.push(planned);
    if (!this.deps.effects) return;
    const out = await this.deps.effects.run({ ...e, correlationId: this.deps.correlationId });
    planned.outcome = out.outcome;
  }
}
