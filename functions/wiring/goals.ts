/**
 * The container's goal evaluation: the goals document (shipped with the function, calendars resolved) parsed once,
 * the incentive plans for quota targets and FX rates, the team chat webhook the goals name (from the workflows
 * document's `chatWebhooks`), and a ledger that mails and posts to chat. The org is rebuilt on each run from the
 * CRM users the sync stored, so a new rep is evaluated without a redeploy. Undefined for a tenant without goals.
 */

import { ChatWebhookClient } from '../../shared/adapters/chat/webhook';
import { DecidedToday, figureKeysOf } from '../../shared/goals/decided-today';
import { anyGoalsDue } from '../../shared/goals/due';
import { GoalEvaluation } from '../../shared/goals/evaluation';
import { GoalProgress } from '../../shared/goals/progress';
import { incentiveQuota } from '../../shared/goals/quota';
import { streakOf } from '../../shared/goals/streak';
import { parseGoals } from '../../shared/goals/validate';
import { planBookFromDocument } from '../../shared/incentives';
import { Dec } from '../../shared/incentives/money';
import { buildOrg } from '../../shared/org/model';
import { GoalProgressRepository } from '../../shared/store/goal-progress';
import { GoalReminderRepository } from '../../shared/store/goal-reminders';
import { GoalTargetRepository } from '../../shared/store/goal-targets';
import { RecordRepository } from '../../shared/store/records';
import { UserRepository } from '../../shared/store/users';
import { loadWorkflows } from '../../shared/workflows/compiled';
import { clock } from './clock';
import { isValidatedDocument, loadTenantDocument } from './documents';
import { runtimeEnv } from './env';
import { ledgerWith, mailPerformers } from './mail-effects';
import { once } from './once';
import { documentClient, tableName } from './store';

const config = /* @__PURE__ */ once(() => {
  const doc = loadTenantDocument('goals');
  if (doc === undefined) return undefined;
  const tenant = runtimeEnv().tenant;
  const goals = parseGoals(doc, 'the goals document', tenant.id, isValidatedDocument('goals'));
  const book = planBookFromDocument(
    loadTenantDocument('incentives'),
    tenant.id,
    isValidatedDocument('incentives'),
  );
  const name = goals.doc.notify.chatWebhook;
  const workflows = loadTenantDocument('workflows');
  const hook =
    name && workflows !== undefined
      ? loadWorkflows(workflows, 'the workflows document', tenant.currency, isValidatedDocument('workflows'))
          .config.chatWebhooks[name]
      : undefined;
  // A named webhook the workflows do not define is a config error: fail the cold start, not each post.
  if (name && !hook)
    throw new Error(`goals notify.chatWebhook "${name}" is not in the workflows chatWebhooks`);
  return { goals, book, hook };
});

const ledger = /* @__PURE__ */ once(() => {
  const redirectTo = runtimeEnv().chatEndpointOverride;
  const chat = new ChatWebhookClient(redirectTo ? { redirectTo } : {});
  return ledgerWith({ ...mailPerformers(), chat: ({ url, body }) => chat.post(url, body) });
});

/** Whether any owner can be due at `at` (goals/due.ts), from the documents alone; undefined without goals. */
export const goalsDueAt = (at: Date): boolean | undefined => {
  const c = config();
  return c && anyGoalsDue(c.goals, runtimeEnv().tenant.timeZone, at);
};

/** What this container's runs decided today: a later hourly run reads nothing for those owners. */
const decided = /* @__PURE__ */ once(() => new DecidedToday());

/** The evaluation over the tenant's table, or undefined without goals; `dryRun` sends and stores nothing. */
export const goalEvaluation = async (correlationId: string): Promise<GoalEvaluation | undefined> => {
  const c = config();
  if (!c) return undefined;
  const tenant = runtimeEnv().tenant;
  const doc = documentClient();
  const users = await new UserRepository(doc, tableName()).all();
  const org = buildOrg({
    users,
    tenant: { timeZone: tenant.timeZone, locale: tenant.locale },
    config: c.goals.doc.org,
    ...(c.book ? { plan: { reps: c.book.config.reps, teams: c.book.config.teams } } : {}),
  });
  const records = new RecordRepository(doc, tableName());
  const targets = new GoalTargetRepository(doc, tableName());
  const book = c.book;
  const progress = new GoalProgress(c.goals, org, tenant, {
    owned: (object, owner, lower, upper) => records.owned(object, owner, lower, upper),
    created: (object, owner, lower, upper) => records.created(object, owner, lower, upper),
    target: async (goal, period, owner) => (await targets.get(goal, period, owner))?.target,
    ...(book ? { quota: incentiveQuota(book, tenant.currency) } : {}),
    fxRate: (from, to, date) => (from === to ? new Dec(1) : book?.fxRate(from, to, date)),
    ...(await new GoalProgressRepository(doc, tableName()).source()),
  });
  return new GoalEvaluation({
    goals: c.goals,
    org,
    tenant,
    figures: (q) => progress.figures(q),
    streak: (goal, owner, asOf) => streakOf(progress, goal, owner, asOf),
    checkinDeals: (person, today) => progress.weekDeals(person, today),
    loggedActivity: (person, from, to, zone) => progress.loggedActivity(person, from, to, zone),
    states: new GoalReminderRepository(doc, tableName(), () => clock().now()),
    effects: ledger(),
    chat: c.hook,
    correlationId,
    figureKeys: figureKeysOf(c.goals.doc.goals, progress),
    decided: decided(),
  });
};
