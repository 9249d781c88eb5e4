import { genericWebhookSecrets } from '../../shared/config/secrets';
import { receiveGenericWebhook } from '../../shared/ingest/generic-webhook';
import { bindTenant, logger } from '../../shared/observability/logger';
import { countDelivery, headersOf, json, rawBodyOf, webhookHandler } from '../middleware/http';
import { bus } from '../wiring/bus';
import { clock } from '../wiring/clock';
import { runtimeEnv } from '../wiring/env';
import { secrets } from '../wiring/secrets';
import { receipts } from '../wiring/store';
import { deliveryMarks } from '../wiring/watch';

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
