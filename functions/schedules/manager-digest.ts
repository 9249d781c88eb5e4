import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import * as z from '../../events/zod';
import { SesMailer } from '../../shared/adapters/aws/ses';
import { sendDueDigests } from '../../shared/digest/run';
import { EffectLedger } from '../../shared/effects/ledger';
import { parseGoals } from '../../shared/goals/validate';
import { planBookFromDocument } from '../../shared/incentives/document';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import { buildOrg } from '../../shared/org/model';
import { clock } from '../../shared/runtime/clock';
import { loadTenantDocument } from '../../shared/runtime/documents';
import { required, runtimeEnv } from '../../shared/runtime/env';
import { ENV } from '../../shared/runtime/env-names';
import { once } from '../../shared/runtime/once';
import { documentClient, tableName } from '../../shared/runtime/store';
import { EnrolmentRepository } from '../../shared/store/enrolments';
import { EventArchive } from '../../shared/store/event-archive';
import { GoalTargetRepository } from '../../shared/store/goal-targets';
import { IncentiveRepository } from '../../shared/store/incentives';
import { RecordRepository } from '../../shared/store/records';
import { UserRepository } from '../../shared/store/users';
import { scheduledHandler } from '../middleware/event';

const tenant = runtimeEnv().tenant;
bindTenant(tenant.id);
/** Parsed once per container; a bad goals or plans file fails the cold start with its path and reason. */
const goalsDoc = loadTenantDocument('goals');
const goals = goalsDoc === undefined ? undefined : parseGoals(goalsDoc, 'goals document', tenant.id);
const book = planBookFromDocument(loadTenantDocument('incentives'), tenant.id);
const mailer = new SesMailer(
  new SESv2Client({}),
  required(runtimeEnv().sesConfigurationSet, ENV.sesConfigurationSet),
);
const repos = once(() => {
  const doc = documentClient();
  const table = tableName();
  return {
    users: new UserRepository(doc, table),
    records: new RecordRepository(doc, table),
    targets: new GoalTargetRepository(doc, table),
    archive: new EventArchive(doc, table, { timeZone: tenant.timeZone, now: () => clock().now() }),
    incentives: new IncentiveRepository(doc, table),
    enrolments: new EnrolmentRepository(doc, table, () => clock().now()),
    // Mail only: the runtime's shared ledger also brings the scheduler client, which this function never uses.
    ledger: new EffectLedger(
      doc,
      table,
      {
        email: async ({ email }) => (await mailer.send(email)).messageId,
        schedule: async () => {
          throw new Error('manager digests schedule nothing');
        },
      },
      () => clock().now(),
    ),
  };
});

export const handler = scheduledHandler(z.unknown(), async () => {
  if (!goals) {
    logger.info('no goals for this tenant (tenants/goals/<tenant>.json): no manager digests');
    return { skipped: 'no goals' };
  }
  const r = repos();
  const org = buildOrg({
    users: await r.users.all(),
    tenant: { timeZone: tenant.timeZone, locale: tenant.locale },
    config: goals.doc.org,
    ...(book ? { plan: { reps: book.config.reps, teams: book.config.teams } } : {}),
  });
  const outcomes = await sendDueDigests(
    {
      tenant,
      goals,
      org,
      book,
      owned: (object, owner, lower, upper) => r.records.owned(object, owner, lower, upper),
      ownedDeals: (owner, lower, upper) => r.records.ownedStored('deal', owner, lower, upper),
      target: async (goal, period, owner) => (await r.targets.get(goal, period, owner))?.target,
      eventsOfDay: (day, from, to) => r.archive.eventsOfDay(day, from, to),
      accruals: (key, date) => r.incentives.accruals(key, date),
      enrolmentsOf: (owner, from) => r.enrolments.ofOwner(owner, from),
      ledger: r.ledger,
    },
    clock().now(),
  );
  const sent = outcomes.filter((o) => o.outcome === 'performed').length;
  const skipped = outcomes.filter((o) => o.outcome === 'skipped');
  if (skipped.length) logger.warn('manager digests not sent', { skipped });
  logger.info('manager digests', { sent, managers: outcomes.length });
  metrics.addMetric('ManagerDigestsSent', MetricUnit.Count, sent);
  return { sent, managers: outcomes.length, skipped: skipped.length };
});
