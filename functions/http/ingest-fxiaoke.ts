import { acceptedValues } from '../../shared/config/secrets';
import { receiveFxiaokeCallback } from '../../shared/crm/fxiaoke/callback';
import { fxiaokeSettings } from '../../shared/crm/fxiaoke/settings';
import { crmConfigOf } from '../../shared/crm/provider';
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
const crm = crmConfigOf(fxiaokeSettings, tenant);

const aesKeys = async (): Promise<string[]> =>
  acceptedValues(
    await secrets().tenantSecrets(),
    'fxiaokeCallbackAesKey',
    'fxiaokeCallbackPreviousAesKey',
    'Fxiaoke',
  );

export const handler = webhookHandler(async (event) => {
  const result = await receiveFxiaokeCallback(
    { headers: headersOf(event), rawBody: rawBodyOf(event) },
    {
      tenantId: tenant.id,
      aesKeys,
      enterpriseAccount: crm.enterpriseAccount,
      opportunityObject: crm.opportunityObject,
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
