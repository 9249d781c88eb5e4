/**
 * The container's incremental goal progress: the goals document and the incentive plans' FX rates parsed once, the
 * org rebuilt from the stored CRM users at most every few minutes (a new rep or manager shows up without a
 * redeploy; the nightly recompute corrects what an org change moved meanwhile), and the DynamoDB progress store.
 * Undefined for a tenant without goals.
 */
import {
  type Contribution,
  type ContributionModel,
  contributionsOf,
  type RecordState,
} from '../../shared/goals/contributions';
import { fractionDate } from '../../shared/goals/sums';
import { type CompiledGoals, parseGoals } from '../../shared/goals/validate';
import { planBookFromDocument } from '../../shared/incentives';
import { Dec } from '../../shared/incentives/money';
import { buildOrg, type Org } from '../../shared/org/model';
import { GoalProgressRepository } from '../../shared/store/goal-progress';
import { UserRepository } from '../../shared/store/users';
import { isValidatedDocument, loadTenantDocument } from './documents';
import { runtimeEnv } from './env';
import { once } from './once';
import { documentClient, tableName } from './store';

/** How long a container keeps the org it built before reading the CRM users again. */
const ORG_TTL_MS = 5 * 60_000;

const config = /* @__PURE__ */ once(() => {
  const doc = loadTenantDocument('goals');
  if (doc === undefined) return undefined;
  const tenant = runtimeEnv().tenant;
  return {
    goals: parseGoals(doc, 'the goals document', tenant.id, isValidatedDocument('goals')),
    book: planBookFromDocument(
      loadTenantDocument('incentives'),
      tenant.id,
      isValidatedDocument('incentives'),
    ),
  };
});

let cachedOrg: { org: Org; at: number } | undefined;

/** The org from the stored CRM users, the goals' org config and the plans' reps and teams. */
export const goalsOrg = async (
  goals: CompiledGoals,
  book: ReturnType<typeof planBookFromDocument>,
  now: number,
) => {
  if (cachedOrg && now - cachedOrg.at < ORG_TTL_MS) return cachedOrg.org;
  const tenant = runtimeEnv().tenant;
  const users = await new UserRepository(documentClient(), tableName()).all();
  const org = buildOrg({
    users,
    tenant: { timeZone: tenant.timeZone, locale: tenant.locale },
    config: goals.doc.org,
    ...(book ? { plan: { reps: book.config.reps, teams: book.config.teams } } : {}),
  });
  cachedOrg = { org, at: now };
  return org;
};

export interface GoalProgressRuntime {
  goals: CompiledGoals;
  org: Org;
  model: ContributionModel;
  contributions: (state: RecordState) => Contribution[];
  store: GoalProgressRepository;
  fxRate: ContributionModel['fxRate'];
}

export const goalProgressRuntime = async (now: number): Promise<GoalProgressRuntime | undefined> => {
  const c = config();
  if (!c) return undefined;
  const tenant = runtimeEnv().tenant;
  const org = await goalsOrg(c.goals, c.book, now);
  const book = c.book;
  const fxRate = (from: string, to: string, date: string) =>
    from === to ? new Dec(1) : book?.fxRate(from, to, date);
  const model: ContributionModel = { goals: c.goals, org, tenant, fxRate, fractionDate };
  return {
    goals: c.goals,
    org,
    model,
    contributions: (state) => contributionsOf(state, model),
    store: new GoalProgressRepository(documentClient(), tableName()),
    fxRate,
  };
};
