import { genericWebhookSecrets } from '../../shared/config/secrets';
import { receiveGenericWebhook } from '../../shared/ingest/generic-webhook';
import { bindTenant, logger } from '../../shared/observability/logger';
import { bus } from '../../shared/runtime/bus';
import { clock } from '../../shared/runtime/clock';
import { runtimeEnv } from '../../shared/runtime/env';
import { secrets } from '../../shared/runtime/secrets';
import { receipts } from '../../shared/runtime/store';
import { deliveryMarks } from '../../shared/runtime/watch';
import { countDelivery, headersOf, json, rawBodyOf, webhookHandler } from '../middleware/http';

const tenant = runtimeEnv().tenant;
bindTenant(tenant.id);

export const handler = webhookHandler(async (event) => {
  const result = await receiveGenericWebhook(
    { headers: headersOf(event), rawBody: rawBodyOf(event) },
    {
      tenantId: tenant.id,
      signingSecrets: async () => genericWebhookSecrets(await secrets().tenantSecrets()),
      receipts: receipts(),
      deliveries: deliveryMarks(),
      bus: bus(),
      now: clock().now(),
    },
  );
  logger.setCorrelationId(result.correlationId);
  logger.info('webhook accepted', {
    provider: 'generic',
    deliveryId: result.deliveryId,
    status: result.status,
  });
  if (result.status !== 'pong') countDelivery(result.status);
  return json(result.status === 'accepted' ? 202 : 200, result);
});
