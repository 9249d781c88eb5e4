import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from '../../events/zod';
import { accrualRun } from '../../shared/incentives';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import { IncentiveRepository } from '../../shared/store/incentives';
import { scheduledHandler } from '../middleware/event';
import { clock } from '../wiring/clock';
import { runtimeEnv } from '../wiring/env';
import { incentiveBook } from '../wiring/incentives';
import { once } from '../wiring/once';
import { documentClient, tableName } from '../wiring/store';

const tenant = runtimeEnv().tenant;
bindTenant(tenant.id);
const store = once(() => new IncentiveRepository(documentClient(), tableName()));

export const handler = scheduledHandler(z.unknown(), async () => {
  // Reps and teams the plans do not list come from the org (CRM users): read on each run.
  const now = clock().now();
  const book = await incentiveBook(now);
  if (!book) {
    logger.info('no incentive plans for this tenant (tenants/incentives/<tenant>.json): nothing to accrue');
    return { skipped: 'no incentive plans' };
  }
  const { date, accruals, held } = await accrualRun({
    book,
    store: store(),
    tenant,
    now,
    save: true,
    hold: true,
  });
  if (held.length) {
    logger.warn('deals held out of the accrual: the plans cannot credit them', { date, held });
    metrics.addMetric('IncentiveDealsHeld', MetricUnit.Count, held.length);
  }
  logger.info('incentive accrual saved', { date, reps: accruals.length });
  metrics.addMetric('IncentiveAccrualReps', MetricUnit.Count, accruals.length);
  return { date, reps: accruals.length, held: held.length };
});
