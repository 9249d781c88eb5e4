/**
 * What the `digest` commands run on: the goals wiring (tenant, goals, org, records, targets) plus the digest's other
 * stores over the same table (digest/wiring.ts, shared with the scheduled run) and the effect ledger of that table.
 */
import { tenantDocumentPath } from '../../functions/wiring/documents';
import type { DigestModel } from '../../shared/digest/model';
import type { DigestPeriod } from '../../shared/digest/period';
import type { RenderedDigest } from '../../shared/digest/render';
import { type DigestDeps, makeDigest as makeDigestOver } from '../../shared/digest/run';
import type { DigestLedger } from '../../shared/digest/send';
import { type DigestStores, digestDepsOf, digestStores, mailingLedger } from '../../shared/digest/wiring';
import type { PlanBook } from '../../shared/incentives/book';
import { planBookFromFile } from '../../shared/incentives/document';
import { orgForPlans, planDocumentWithOrg } from '../../shared/incentives/org';
import type { Locale } from '../../shared/org/config';
import { UserRepository } from '../../shared/store/users';
import { localTime } from '../../shared/workflows/calendar';
import { type GoalsOptions, type GoalsWiring, goalsWiring } from './goals-wiring';

export interface DigestWiring extends GoalsWiring, Omit<DigestStores, 'records' | 'targets'> {
  /** How `digest send` sends exactly once (the effect ledger over the tenant's table, mailing through SES). */
  ledger: DigestLedger;
  /** The plans completed by the org, as `incentives accrual` reads them: the digest's accrual without a snapshot. */
  accrualBook?: PlanBook;
}

export const digestWiring = async (opts: GoalsOptions): Promise<DigestWiring & { destroy(): void }> => {
  const goals = await goalsWiring(opts);
  // The table of the tenant the goals wiring found (a running npm start or the deployed stack).
  const doc = goals.root.doc();
  const { archive, incentives, enrolments } = digestStores(
    doc,
    goals.tableName,
    goals.tenant.timeZone,
    goals.now,
  );
  let accrualBook: PlanBook | undefined;
  if (goals.book) {
    const org = orgForPlans(
      await new UserRepository(doc, goals.tableName).all(),
      { timeZone: goals.tenant.timeZone, locale: goals.tenant.locale },
      goals.goals.doc,
    );
    accrualBook = planBookFromFile(tenantDocumentPath('incentives', goals.tenant.id), undefined, (plans) =>
      planDocumentWithOrg(plans, org, localTime(goals.now(), goals.tenant.timeZone).date),
    );
  }
  return {
    ...goals,
    archive,
    incentives,
    enrolments,
    ...(accrualBook ? { accrualBook } : {}),
    ledger: mailingLedger(doc, goals.tableName, goals.root.mailer(), goals.now),
    destroy: goals.destroy,
  };
};

/** The digest ports over the wiring's repositories. */
export const digestDeps = (w: DigestWiring): DigestDeps =>
  digestDepsOf(w, w, w.accrualBook ? { book: w.accrualBook, tenant: w.tenant } : undefined);

export const makeDigest = (
  w: DigestWiring,
  managerId: string,
  period: DigestPeriod,
  asOf: Date,
  locale?: Locale,
): Promise<{ model: DigestModel; rendered: RenderedDigest }> =>
  makeDigestOver(digestDeps(w), managerId, period, asOf, locale);
