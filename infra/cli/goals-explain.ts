/**
 * `quotaflow goals explain`: for one goal and owner as of an instant, the records that counted (value and date),
 * those left out and why, and whether the day's evaluation sent or would send a reminder or recognition, and why
 * (shared/goals/explain.ts). Reads only: a dry run of the evaluation, nothing sent or stored.
 */

import { EffectLedger } from '../../shared/effects/ledger';
import { GoalEvaluation } from '../../shared/goals/evaluation';
import { ExplainError, explainGoal, type GoalExplanation } from '../../shared/goals/explain';
import { streakOf } from '../../shared/goals/streak';
import { type Terminal, UsageError } from './common';
import { asOfOption, progressFor } from './goals-sources';
import type { GoalsOptions, GoalsWiring } from './goals-wiring';

export interface ExplainOptions extends GoalsOptions {
  goal: string;
  person: string;
  asOf?: string;
  record?: string[];
}

const line = (r: GoalExplanation['counted'][number], what: string) =>
  `  ${r.id}${r.name ? ` (${r.name})` : ''}  ${r.date || '–'}  ${what}`;

export const explanationText = (e: GoalExplanation): string => {
  const f = e.figures;
  const out = [
    `${e.goal} · ${e.owner} · ${e.period} · as of ${e.asOf}`,
    f
      ? `actual ${f.actual} ${f.unit}, target ${f.target ?? '(none)'}, expected by now ${f.expected ?? '–'}, status ${f.status}`
      : 'no figures for this owner',
    `counted (${e.counted.length}):`,
    ...e.counted.map((r) => line(r, `+${r.value}`)),
    `left out (${e.leftOut.length}):`,
    ...e.leftOut.map((r) => line(r, r.reason ?? '')),
  ];
  const ev = e.evaluation;
  if (ev.skipped) out.push(`evaluation: not evaluated at this instant (${ev.skipped})`);
  else out.push(`evaluation on ${ev.today}: ${ev.status ?? '–'}: ${ev.decision ?? '–'}`);
  for (const m of ev.messages)
    out.push(`  ${m.sent ? 'sent' : 'would send'} ${m.kind}${m.subject ? `: ${m.subject}` : ''} [${m.key}]`);
  if (!ev.skipped && !ev.messages.length) out.push('  no message for this owner today');
  const s = ev.state;
  if (s)
    out.push(
      `  stored for ${e.period}: last evaluated ${s.on}${s.notifiedOn ? `, last reminded ${s.notifiedOn}` : ''}${s.behindSince ? `, behind since ${s.behindSince}` : ''}${s.met ? ', met recognised' : ''}${s.milestones?.length ? `, milestones told: ${s.milestones.join(', ')}` : ''}`,
    );
  else out.push(`  nothing stored yet for ${e.period}`);
  return `${out.join('\n')}\n`;
};

export const runExplain = async (opts: ExplainOptions, w: GoalsWiring, term: Terminal): Promise<number> => {
  const asOf = asOfOption(opts.asOf, w.now);
  const goal = w.goals.goal(opts.goal);
  if (!goal)
    throw new UsageError(
      `--goal ${opts.goal} is not a goal of tenants/goals/${w.tenant.id}.json (${w.goals.doc.goals.map((g) => g.id).join(', ')})`,
    );
  const reminders = w.reminders;
  if (!reminders || !w.doc) throw new UsageError('goals explain needs the tenant table');
  const progress = await progressFor(w);
  // Read only: the ledger tells what was sent; nothing here performs an effect.
  const refuse = async (): Promise<never> => {
    throw new Error('goals explain sends nothing');
  };
  const ledger = new EffectLedger(
    w.doc,
    w.tableName,
    { email: refuse, schedule: refuse, chat: refuse },
    w.now,
  );
  const dryRun = new GoalEvaluation({
    goals: w.goals,
    org: w.org,
    tenant: w.tenant,
    figures: (q) => progress.figures(q),
    streak: (g, owner, at) => streakOf(progress, g, owner, at),
    loggedActivity: (person, from, to, zone) => progress.loggedActivity(person, from, to, zone),
    states: reminders,
    correlationId: `cli:goals-explain:${asOf.toISOString()}`,
  });
  let e: GoalExplanation;
  try {
    e = await explainGoal(goal, opts.person, asOf, opts.record ?? [], {
      progress,
      get: (object, id) => w.records.get(object, id),
      evaluate: (id, kind, at) => dryRun.evaluateOwner(id, kind, at),
      states: (id) => reminders.states(id),
      isDone: (key) => ledger.isDone(key),
      currency: w.tenant.currency,
    });
  } catch (err) {
    if (err instanceof ExplainError) throw new UsageError(err.message);
    throw err;
  }
  term.out(opts.json ? `${JSON.stringify(e, null, 2)}\n` : explanationText(e));
  return 0;
};
