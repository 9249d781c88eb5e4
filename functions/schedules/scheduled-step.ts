import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from '../../events/zod';
import { CHECK_IN_STEP, runCheckIn } from '../../shared/automations/won-deal';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import { effects } from '../../shared/runtime/effects';
import { runtimeEnv } from '../../shared/runtime/env';
import { records } from '../../shared/runtime/store';
import { scheduledHandler } from '../middleware/event';

const tenant = runtimeEnv().tenant;
bindTenant(tenant.id);

const stepSchema = z.object({
  step: z.literal(CHECK_IN_STEP),
  tenantId: z.literal(tenant.id, { error: `this function serves tenant ${tenant.id} only` }),
  recordId: z.string(),
  eventId: z.string(),
  correlationId: z.string(),
  days: z.int().check(z.positive()),
});

export const handler = scheduledHandler(stepSchema, async (step) => {
  const result = await runCheckIn(step, { tenant, records: records(), effects: effects() });
  logger.info('scheduled step ran', { step: step.step, recordId: step.recordId, ...result });
  if ('sent' in result && result.sent === 'performed') metrics.addMetric('EmailSent', MetricUnit.Count, 1);
  return result;
});
