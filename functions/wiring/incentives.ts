/**
 * The container's plan book for the scheduled incentive runs: the plans document shipped with the function, with the
 * reps and teams it does not list taken from the one org model (shared/incentives/org.ts): the CRM users the sync
 * stored, read on each run so a new rep or a changed manager needs no redeploy, and the goals document's org
 * section. Undefined for a tenant without plans.
 */
import type { PlanBook } from '../../shared/incentives/book';
import { planBookFromDocument } from '../../shared/incentives/document';
import { orgForPlans, planDocumentWithOrg } from '../../shared/incentives/org';
import { UserRepository } from '../../shared/store/users';
import { localTime } from '../../shared/workflows/calendar';
import { loadTenantDocument } from './documents';
import { runtimeEnv } from './env';
import { once } from './once';
import { documentClient, tableName } from './store';

const documents = /* @__PURE__ */ once(() => ({
  plans: loadTenantDocument('incentives'),
  goals: loadTenantDocument('goals'),
}));

/** The plans as of `now` (teams in force on the tenant's local date), or undefined without a plans document. */
export const incentiveBook = async (now: Date): Promise<PlanBook | undefined> => {
  const { plans, goals } = documents();
  if (plans === undefined) return undefined;
  const tenant = runtimeEnv().tenant;
  const users = await new UserRepository(documentClient(), tableName()).all();
  const org = orgForPlans(users, { timeZone: tenant.timeZone, locale: tenant.locale }, goals);
  return planBookFromDocument(
    planDocumentWithOrg(plans, org, localTime(now, tenant.timeZone).date),
    tenant.id,
  );
};
