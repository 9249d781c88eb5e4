import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from '../../events/zod';
import { sendDueDigests } from '../../shared/digest/run';
import { SentDigests } from '../../shared/digest/sent';
import { digestDepsOf, digestStores, mailingLedger } from '../../shared/digest/wiring';
import { parseGoals } from '../../shared/goals/validate';
import { planBookFromDocument } from '../../shared/incentives/document';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import { buildOrg } from '../../shared/org/model';
import { UserRepository } from '../../shared/store/users';
import { scheduledHandler } from '../middleware/event';
import { clock } from '../wiring/clock';
import { isValidatedDocument, loadTenantDocument } from '../wiring/documents';
import { required, runtimeEnv } from '../wiring/env';
import { ENV } from '../wiring/env-names';
import { incentiveBook } from '../wiring/incentives';
import { mailer } from '../wiring/mail-effects';
import { once } from '../wiring/once';
import { documentClient, tableName } from '../wiring/store';

const tenant = runtimeEnv().tenant;
bindTenant(tenant.id);
/** Parsed once per container; a bad goals or plans file fails the cold start with its path and reason. */
const goalsDoc = loadTenantDocument('goals');
const goals =
  goalsDoc === undefined
    ? undefined
    : parseGoals(goalsDoc, 'goals document', tenant.id, isValidatedDocument('goals'));
const book = planBookFromDocument(
  loadTenantDocument('incentives'),
  tenant.id,
  isValidatedDocument('incentives'),
);
// A missing configuration set still fails the cold start; the SES client itself is built on first send
// (wiring/mail-effects.ts): most runs find nothing due and mail nothing.
required(runtimeEnv().sesConfigurationSet, ENV.sesConfigurationSet);
const now = () => clock().now();
const stores = once(() => digestStores(documentClient(), tableName(), tenant.timeZone, now));
const ledger = once(() => mailingLedger(documentClient(), tableName(), mailer(), now));
const sentDigests = once(() => new SentDigests());

export const handler = scheduledHandler(z.unknown(), async () => {
  if (!goals) {
    logger.info('no goals for this tenant (tenants/goals/<tenant>.json): no manager digests');
    return { skipped: 'no goals' };
  }
  const at = now();
  const org = buildOrg({
    users: await new UserRepository(documentClient(), tableName()).all(),
    tenant: { timeZone: tenant.timeZone, locale: tenant.locale },
    config: goals.doc.org,
    ...(book ? { plan: { reps: book.config.reps, teams: book.config.teams } } : {}),
  });
  // Most hours nothing is due: every digest due now was seen sent by an earlier run of this container.
  const seen = sentDigests().allSent(goals, org, tenant.timeZone, at);
  if (seen) {
    logger.info('manager digests', { sent: 0, managers: seen.length });
    metrics.addMetric('ManagerDigestsSent', MetricUnit.Count, 0);
    return { sent: 0, managers: seen.length, skipped: 0 };
  }
  // The daily accrual's own plan book, so a digest computing the accrual gets what that run would save.
  const accrualBook = await incentiveBook(at);
  const deps = digestDepsOf(
    { tenant, goals, org, book },
    stores(),
    accrualBook ? { book: accrualBook, tenant } : undefined,
  );
  const outcomes = await sendDueDigests({ ...deps, ledger: ledger() }, at);
  sentDigests().record(outcomes);
  const sent = outcomes.filter((o) => o.outcome === 'performed').length;
  const skipped = outcomes.filter((o) => o.outcome === 'skipped');
  if (skipped.length) logger.warn('manager digests not sent', { skipped });
  logger.info('manager digests', { sent, managers: outcomes.length });
  metrics.addMetric('ManagerDigestsSent', MetricUnit.Count, sent);
  return { sent, managers: outcomes.length, skipped: skipped.length };
});
