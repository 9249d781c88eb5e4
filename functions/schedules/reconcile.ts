import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from '../../events/zod';
import { requireCrmSettings } from '../../shared/crm/registry';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import { reconcile } from '../../shared/sync/reconcile';
import { scheduledHandler } from '../middleware/event';
import { crmUsers } from '../wiring/crm-users';
import { runtimeEnv } from '../wiring/env';
import { reconcileDeps } from '../wiring/reconcile';

const tenant = runtimeEnv().tenant;
bindTenant(tenant.id);
if (!requireCrmSettings(tenant.crm.provider).readsRecords)
  throw new Error(`tenant ${tenant.id} has no CRM to reconcile`);

/** Leaves time to save the cursor and log: a scan cut short resumes on the next run from its saved page. */
const STOP_BEFORE_TIMEOUT_MS = 45_000;

export const handler = scheduledHandler(z.unknown(), async (_input, context) => {
  const deps = await reconcileDeps();
  if (!deps) throw new Error(`tenant ${tenant.id} has no CRM to reconcile`);
  const users = await crmUsers();
  const result = await reconcile(users ? { ...deps, users } : deps, {
    mode: 'reconcile',
    runner: `lambda:${context.awsRequestId}`,
    shouldStop: () => context.getRemainingTimeInMillis() < STOP_BEFORE_TIMEOUT_MS,
  });
  for (const m of result.modules) {
    const log = m.rejected.length > 0 ? logger.warn.bind(logger) : logger.info.bind(logger);
    log('reconcile module', { ...m, rejected: m.rejected.slice(0, 10), rejectedCount: m.rejected.length });
    metrics.addMetric('ReconcileRecordsApplied', MetricUnit.Count, m.outcomes.applied);
    metrics.addMetric('ReconcileRecordsRejected', MetricUnit.Count, m.rejected.length);
  }
  if (result.users) logger.info('reconcile users', result.users);
  return {
    complete: result.complete,
    modules: result.modules.map((m) => ({ module: m.module, status: m.status })),
  };
});
