import { receiveFxiaokeCallback } from '../../shared/crm/fxiaoke/callback';
import { callbackAuth } from '../../shared/crm/fxiaoke/receivers';
import { fxiaokeSettings } from '../../shared/crm/fxiaoke/settings';
import { crmConfigOf } from '../../shared/crm/provider';
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
const auth = callbackAuth({ ...tenant, crm: crmConfigOf(fxiaokeSettings, tenant) }, () =>
  secrets().tenantSecrets(),
);

export const handler = webhookHandler(async (event) => {
  const result = await receiveFxiaokeCallback(
    { headers: headersOf(event), rawBody: rawBodyOf(event) },
    {
      tenantId: tenant.id,
      ...auth,
      receipts: receipts(),
      deliveries: deliveryMarks(),
      bus: bus(),
      now: clock().now(),
    },
  );
  if (result.correlationId) logger.setCorrelationId(result.correlationId);
  logger.info('webhook accepted', {
    provider: 'fxiaoke',
    deliveryId: result.deliveryId,
    apiName: result.apiName,
    status: result.status,
  });
  countDelivery(result.status);
  // The platform expects HTTP 200 with its encrypted "success" reply, duplicates included.
  return json(200, result.reply);
});
