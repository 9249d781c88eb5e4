import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from '../../events/zod';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import { scheduledHandler } from '../middleware/event';
import { clock } from '../wiring/clock';
import { runtimeEnv } from '../wiring/env';
import { goalEvaluation, goalsDueAt } from '../wiring/goals';

const tenant = runtimeEnv().tenant;
bindTenant(tenant.id);

/** Hourly: the people whose local time has reached the goals' notify time are evaluated (goals/evaluation.ts). */
export const handler = scheduledHandler(z.unknown(), async (_input, context) => {
  const now = clock().now();
  // Most hours nobody has reached the notify time on a business day: such a run reads nothing.
  if (goalsDueAt(now) === false) {
    logger.info('goals evaluated', { owners: 0, sent: 0, reason: 'nobody is due at this hour' });
    metrics.addMetric('GoalMessagesSent', MetricUnit.Count, 0);
    return { evaluated: 0, sent: 0, unsent: 0 };
  }
  const evaluation = await goalEvaluation(`goal-evaluation:${context.awsRequestId}`);
  if (!evaluation) {
    logger.info('no goals for this tenant (tenants/goals/<tenant>.json): nothing to evaluate');
    return { skipped: 'no goals' };
  }
  const report = await evaluation.run(now);
  const evaluated = report.filter((r) => !r.skipped);
  const sent = evaluated.flatMap((r) => r.messages).filter((m) => m.outcome === 'performed');
  const unsent = evaluated.flatMap((r) => r.unsent);
  if (unsent.length) logger.warn('goal messages without a recipient', { unsent });
  logger.info('goals evaluated', { owners: evaluated.length, sent: sent.length });
  metrics.addMetric('GoalMessagesSent', MetricUnit.Count, sent.length);
  return { evaluated: evaluated.length, sent: sent.length, unsent: unsent.length };
});
