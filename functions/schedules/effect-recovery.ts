import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from '../../events/zod';
import { recoverPendingEffects } from '../../shared/effects/recovery';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import { runtimeEnv } from '../../shared/runtime/env';
import { workflowEffects } from '../../shared/runtime/workflow-effects';
import { scheduledHandler } from '../middleware/event';

bindTenant(runtimeEnv().tenant.id);

export const handler = scheduledHandler(z.unknown(), async () => {
  const result = await recoverPendingEffects(workflowEffects());
  (result.failed > 0 ? logger.warn.bind(logger) : logger.info.bind(logger))('effect recovery sweep', result);
  metrics.addMetric('EffectsRecovered', MetricUnit.Count, result.recovered);
  return result;
});
