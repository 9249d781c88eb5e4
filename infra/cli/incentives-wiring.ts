/**
 * What the `incentives` commands run on: the tenant, its plans (completed by the org: the CRM users in the table,
 * the goals file's org section) and the incentive store of the tenant found, with "now" from the CLI's root
 * (--now, else npm start's clock, else this machine's). Tests hand in local wirings instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { tenantDocumentPath } from '../../functions/wiring/documents';
import type { TenantConfig } from '../../shared/config/tenant';
import { IncentiveInputError, type PlanBook, planBookFromFile } from '../../shared/incentives';
import { orgForPlans, planDocumentWithOrg } from '../../shared/incentives/org';
import { IncentiveRepository } from '../../shared/store/incentives';
import { UserRepository } from '../../shared/store/users';
import { localTime } from '../../shared/workflows/calendar';
import { tenantForCli, UsageError } from './common';
import { explain } from './import';
import type { TargetOptions, TenantTarget } from './tenant-target';
import { cliRoot } from './wiring/root';

export interface IncentiveOptions extends TargetOptions {
  tenant: string;
  /** The tenant's table; default: the table of the tenant found (tenant-target.ts). */
  table?: string;
  /** Another plans file instead of tenants/incentives/<id>.json. */
  plans?: string;
  json?: boolean;
  /** `--now`: act as of this instant instead of the tenant's clock (npm start's, or this machine's). */
  now?: string;
}

/** What the commands talk to; the CLI builds it from the environment, tests hand in local ones. */
export interface IncentiveWiring {
  tenant: TenantConfig;
  book: PlanBook;
  store: IncentiveRepository;
  tableName: string;
  now?: () => Date;
}

export const shown = (file: string) => relative(process.cwd(), file) || file;

/** The goals document as written, whose org section completes the plans; undefined without one. */
const readGoalsDocument = (tenantId: string): unknown => {
  const file = tenantDocumentPath('goals', tenantId);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
};

/** The incentives wiring over the CLI's root (wiring/root.ts) for the tenant found. */
export const incentivesWiring = async (
  opts: IncentiveOptions,
  target: TenantTarget,
): Promise<IncentiveWiring & { destroy(): void }> => {
  const tenant: TenantConfig = tenantForCli(opts.tenant);
  const file = opts.plans ?? tenantDocumentPath('incentives', tenant.id);
  const root = cliRoot(target, opts);
  // --now, else npm start's clock (which a demo may have moved), else this machine's.
  const now = await root.clock();
  const { tableName } = root;
  let book: PlanBook;
  try {
    // Reps and teams the plans do not list come from the org: the CRM users in the table, the goals' org section.
    const org = orgForPlans(
      await new UserRepository(root.doc(), tableName).all(),
      { timeZone: tenant.timeZone, locale: tenant.locale },
      readGoalsDocument(tenant.id),
    );
    book = planBookFromFile(file, shown(file), (plans) =>
      planDocumentWithOrg(plans, org, localTime(now(), tenant.timeZone).date),
    );
  } catch (err) {
    root.destroy();
    if (err instanceof IncentiveInputError || err instanceof UsageError) throw new UsageError(err.message);
    throw new Error(explain(err, { tableName }));
  }
  return {
    tenant,
    book,
    store: new IncentiveRepository(root.doc(), tableName),
    tableName,
    now,
    destroy: root.destroy,
  };
};
