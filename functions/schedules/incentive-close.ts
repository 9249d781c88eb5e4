import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from '../../events/zod';
import { scheduledClose } from '../../shared/incentives';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import { IncentiveRepository } from '../../shared/store/incentives';
import { scheduledHandler } from '../middleware/event';
import { clock } from '../wiring/clock';
import { runtimeEnv } from '../wiring/env';
import { incentiveBook } from '../wiring/incentives';
import { mailEffects } from '../wiring/mail-effects';
import { once } from '../wiring/once';
import { documentClient, tableName } from '../wiring/store';

const tenant = runtimeEnv().tenant;
bindTenant(tenant.id);
const store = once(() => new IncentiveRepository(documentClient(), tableName()));

/** The month (or quarter) that just ended is closed and its statements mailed; see scheduledClose. */
export const handler = scheduledHandler(z.unknown(), async (_input, context) => {
  // Reps and teams the plans do not list come from the org (CRM users): read on each run.
  const now = clock().now();
  const book = await incentiveBook(now);
  if (!book) {
    logger.info('no incentive plans for this tenant (tenants/incentives/<tenant>.json): nothing to close');
    return { skipped: 'no incentive plans' };
  }
  const results = await scheduledClose({
    book,
    store: store(),
    tenant,
    now,
    effects: mailEffects(),
    correlationId: (periodKey) => `incentive-close:${periodKey}:${context.awsRequestId}`,
  });
  for (const { periodKey, closedNow, statements, held, mail } of results) {
    // Held deals are left out of this close, not lost: fixed in the CRM, they arrive as adjustments next period.
    if (held.length)
      logger.warn('deals held out of the close: the plans cannot credit them', { periodKey, held });
    if (mail.skipped.length)
      logger.warn('incentive statements not mailed', { periodKey, skipped: mail.skipped });
    logger.info('incentive period closed', {
      periodKey,
      closedNow,
      statements,
      sent: mail.sent,
      duplicates: mail.duplicates,
    });
    metrics.addMetric('IncentiveDealsHeld', MetricUnit.Count, held.length);
    metrics.addMetric('IncentiveStatementsMailed', MetricUnit.Count, mail.sent);
  }
  return { results: results.map(({ held, mail, ...r }) => ({ ...r, held: held.length, ...mail })) };
});
