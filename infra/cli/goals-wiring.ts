/**
 * What the `goals` commands run on: the tenant, its compiled goals, the org (CRM users the sync stored, the goals
 * file's org section, the incentive plans' reps and teams) and the tenant table's repositories; and who may own a
 * target. Built over the CLI's root (wiring/root.ts); tests build it over dynalite.
 */
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tenantDocumentPath } from '../../functions/wiring/documents';
import type { TenantConfig } from '../../shared/config/tenant';
import type { OwnerCheck } from '../../shared/goals/targets-csv';
import { type CompiledGoals, GoalsConfigError } from '../../shared/goals/validate';
import type { PlanBook } from '../../shared/incentives/book';
import { planBookFromFile } from '../../shared/incentives/document';
import { buildOrg, type Org } from '../../shared/org/model';
import type { MailerPort } from '../../shared/ports';
import { GoalProgressRepository } from '../../shared/store/goal-progress';
import { GoalReminderRepository } from '../../shared/store/goal-reminders';
import { GoalTargetRepository } from '../../shared/store/goal-targets';
import { RecordRepository } from '../../shared/store/records';
import { UserRepository } from '../../shared/store/users';
import { loadGoalsDocument } from '../goals-document';
import { TENANTS_DIR } from '../tenants';
import { tenantForCli, UsageError } from './common';
import { explain } from './import';
import { resolveTenantTarget, type TenantTarget } from './tenant-target';
import { type CliRoot, cliRoot } from './wiring/root';

export interface GoalsOptions {
  tenant: string;
  /** The tenant's table; default: the table of the tenant found (tenant-target.ts). */
  table?: string;
  local?: boolean;
  aws?: boolean;
  refresh?: boolean;
  /** The local runtime by URL or data folder (npm start --data-dir), instead of the one in .local/<id>. */
  url?: string;
  dataDir?: string;
  json?: boolean;
}

/** What the commands talk to; the CLI builds it from the environment, tests hand in local ones. */
export interface GoalsWiring {
  tenant: TenantConfig;
  goals: CompiledGoals;
  org: Org;
  book?: PlanBook;
  records: RecordRepository;
  targets: GoalTargetRepository;
  /** Incrementally kept goal totals (read once a recompute has completed them); tests may leave it out. */
  progress?: GoalProgressRepository;
  /** What each owner was told (goals evaluate); tests that do not evaluate leave it out. */
  reminders?: GoalReminderRepository;
  /** The table client, for the effect ledger of `goals evaluate`. */
  doc?: DynamoDBDocumentClient;
  /** Where mail goes (the tenant found: npm start's SES stand-in or SES in the stack's region). */
  mailer?: () => MailerPort;
  /** npm start's chat stand-in, which takes chat posts instead of the provider (none on AWS). */
  chatRedirect?: string;
  tableName: string;
  now: () => Date;
  /** Who makes target changes (recorded in their history). */
  by: string;
}

/** The goals wiring over the CLI's root (wiring/root.ts) for the tenant found (or `target`, when a caller has it). */
export const goalsWiring = async (
  opts: GoalsOptions,
  target?: TenantTarget,
): Promise<GoalsWiring & { root: CliRoot; destroy(): void }> => {
  const tenant = tenantForCli(opts.tenant);
  let goals = goalsOf(tenant.id, new Date().getUTCFullYear());
  const plans = tenantDocumentPath('incentives', tenant.id);
  let book: PlanBook | undefined;
  try {
    book = planBookFromFile(plans);
  } catch {
    // No plans (or none readable; `validate` reports that): goals that need a quota say so per rep.
  }
  const root = cliRoot(target ?? (await resolveTenantTarget(tenant, opts)), { table: opts.table });
  const { tableName } = root;
  try {
    // On npm start, its clock (which a demo may have moved) is "now"; elsewhere the machine's.
    const now = await root.clock();
    // Holidays of the year npm start's clock is in, which a demo may have set apart from this machine's.
    if (now().getUTCFullYear() !== new Date().getUTCFullYear())
      goals = goalsOf(tenant.id, now().getUTCFullYear());
    const doc = root.doc();
    const users = await new UserRepository(doc, tableName).all();
    return {
      tenant,
      goals,
      org: orgOf(tenant, goals, users, book),
      ...(book ? { book } : {}),
      records: new RecordRepository(doc, tableName),
      targets: new GoalTargetRepository(doc, tableName),
      progress: new GoalProgressRepository(doc, tableName),
      reminders: new GoalReminderRepository(doc, tableName, now),
      doc,
      mailer: root.mailer,
      ...(root.chatRedirect ? { chatRedirect: root.chatRedirect } : {}),
      tableName,
      now,
      by: userInfo().username,
      root,
      destroy: root.destroy,
    };
  } catch (err) {
    root.destroy();
    throw new Error(explain(err, { tableName }));
  }
};

/** The tenant's goals with the date-holidays calendars of `year`; a usage error when there are none or they are bad. */
const goalsOf = (tenantId: string, year: number): CompiledGoals => {
  let goals: CompiledGoals | undefined;
  try {
    goals = loadGoalsDocument(tenantId, resolve(TENANTS_DIR, '..'), year);
  } catch (err) {
    throw new UsageError(err instanceof GoalsConfigError ? err.message : String(err));
  }
  if (!goals)
    throw new UsageError(`tenant ${tenantId} has no goals: write tenants/goals/${tenantId}.json first`);
  return goals;
};

export const orgOf = (
  tenant: TenantConfig,
  goals: CompiledGoals,
  users: Parameters<typeof buildOrg>[0]['users'],
  book: PlanBook | undefined,
): Org =>
  buildOrg({
    users,
    tenant: { timeZone: tenant.timeZone, locale: tenant.locale },
    config: goals.doc.org,
    ...(book ? { plan: { reps: book.config.reps, teams: book.config.teams } } : {}),
  });

export const ownerCheck =
  (w: GoalsWiring): OwnerCheck =>
  (kind, id) => {
    if (kind === 'tenant')
      return id === w.tenant.id ? undefined : `person must be the tenant id ${w.tenant.id} for a tenant goal`;
    if (kind === 'team')
      return w.org.team(id)
        ? undefined
        : `team "${id}" is not a team of the org (${
            w.org
              .teams(today(w))
              .map((t) => t.id)
              .join(', ') || 'none'
          })`;
    return w.org.person(id)
      ? undefined
      : `person "${id}" is not in the org (CRM users, goals org.people, plan reps)`;
  };

const today = (w: GoalsWiring) => w.now().toISOString().slice(0, 10);
