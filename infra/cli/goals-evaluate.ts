/**
 * `quotaflow goals evaluate`: the daily goal evaluation (shared/goals/evaluation.ts) run by hand as of an instant,
 * exactly as the hourly `goal-evaluation` function runs it: the same keys, so a message the function already sent
 * is not sent again. `--dry-run` prints what would be sent and, per goal, why or why not, and changes nothing.
 */

import { readFileSync } from 'node:fs';
import { tenantDocumentPath } from '../../functions/wiring/documents';
import { ChatWebhookClient } from '../../shared/adapters/chat/webhook';
import { EffectLedger } from '../../shared/effects/ledger';
import { type EvaluationDeps, GoalEvaluation, type OwnerReport } from '../../shared/goals/evaluation';
import { streakOf } from '../../shared/goals/streak';
import { loadWorkflows } from '../../shared/workflows/compiled';
import { type Terminal, UsageError } from './common';
import { asOfOption, progressFor } from './goals-sources';
import type { GoalsWiring } from './goals-wiring';

export interface EvaluateOptions {
  asOf?: string;
  dryRun?: boolean;
  json?: boolean;
}

/** The team chat webhook the goals name, from the tenant's workflows document. */
const chatHook = (w: GoalsWiring): EvaluationDeps['chat'] => {
  const name = w.goals.doc.notify.chatWebhook;
  if (!name) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(tenantDocumentPath('workflows', w.tenant.id), 'utf8'));
  } catch {
    throw new UsageError(`goals notify.chatWebhook "${name}" needs tenants/workflows/${w.tenant.id}.json`);
  }
  const hook = loadWorkflows(doc, 'the workflows document', w.tenant.currency).config.chatWebhooks[name];
  if (!hook) throw new UsageError(`goals notify.chatWebhook "${name}" is not in the workflows chatWebhooks`);
  return hook;
};

/** The ledger the command sends through: the root's mailer (SES of the tenant found) and chat webhooks. */
export const environmentLedger = (w: GoalsWiring): EffectLedger => {
  if (!w.doc) throw new UsageError('goals evaluate needs the tenant table');
  if (!w.mailer) throw new UsageError('goals evaluate needs a mailer');
  const mailer = w.mailer();
  const chat = new ChatWebhookClient(w.chatRedirect ? { redirectTo: w.chatRedirect } : {});
  return new EffectLedger(
    w.doc,
    w.tableName,
    {
      email: async ({ email }) => (await mailer.send(email)).messageId,
      schedule: async () => {
        throw new Error('goal evaluation creates no schedules');
      },
      chat: ({ url, body }) => chat.post(url, body),
    },
    w.now,
  );
};

const reportText = (reports: readonly OwnerReport[], dryRun: boolean): string => {
  const lines: string[] = [];
  for (const r of reports) {
    if (r.skipped) {
      lines.push(`${r.owner}: not evaluated (${r.skipped})`);
      continue;
    }
    lines.push(`${r.owner} (${r.today}):`);
    for (const g of r.goals) lines.push(`  ${g.goal} ${g.period} ${g.status}: ${g.decision}`);
    for (const m of r.messages) {
      const state = dryRun ? 'would send' : m.outcome === 'duplicate' ? 'already sent' : 'sent';
      lines.push(`  ${state} ${m.kind} to ${m.to.join(', ') || 'the team chat'}: ${m.subject} [${m.key}]`);
    }
    for (const u of r.unsent) lines.push(`  not sent: ${u}`);
  }
  return `${lines.join('\n')}\n`;
};

export const runEvaluate = async (
  opts: EvaluateOptions,
  w: GoalsWiring,
  term: Terminal,
  ledger: (w: GoalsWiring) => EvaluationDeps['effects'] = environmentLedger,
): Promise<number> => {
  const asOf = asOfOption(opts.asOf, w.now);
  if (!w.reminders) throw new UsageError('goals evaluate needs the tenant table');
  const progress = await progressFor(w);
  const effects = opts.dryRun ? undefined : ledger(w);
  const reports = await new GoalEvaluation({
    goals: w.goals,
    org: w.org,
    tenant: w.tenant,
    figures: (q) => progress.figures(q),
    streak: (goal, owner, asOf) => streakOf(progress, goal, owner, asOf),
    checkinDeals: (person, today) => progress.weekDeals(person, today),
    loggedActivity: (person, from, to, zone) => progress.loggedActivity(person, from, to, zone),
    states: w.reminders,
    ...(effects ? { effects } : {}),
    chat: chatHook(w),
    correlationId: `cli:goals-evaluate:${asOf.toISOString()}`,
  }).run(asOf);
  term.out(
    opts.json
      ? `${JSON.stringify({ asOf: asOf.toISOString(), reports }, null, 2)}\n`
      : reportText(reports, !!opts.dryRun),
  );
  return 0;
};
