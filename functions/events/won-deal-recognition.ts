import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { domainEvents } from '../../events';
import { recogniseWonDeal } from '../../shared/automations/won-deal';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import { clock } from '../../shared/runtime/clock';
import { effects } from '../../shared/runtime/effects';
import { runtimeEnv } from '../../shared/runtime/env';
import { eventHandler } from '../middleware/event';

const tenant = runtimeEnv().tenant;
bindTenant(tenant.id);

export const handler = eventHandler(domainEvents.dealWon, async (event) => {
  const result = await recogniseWonDeal(event, { tenant, effects: effects(), now: clock().now() });
  logger.info('won deal recognised', { recordId: event.recordId, domainEventId: event.eventId, ...result });
  if ('congratulation' in result && result.congratulation === 'performed') {
    metrics.addMetric('EmailSent', MetricUnit.Count, 1);
  }
  return result;
});
