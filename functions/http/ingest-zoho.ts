import { acceptedValues } from '../../shared/config/secrets';
import { crmConfigOf } from '../../shared/crm/provider';
import { receiveZohoNotification } from '../../shared/crm/zoho/notifications';
import { zohoSettings } from '../../shared/crm/zoho/settings';
import { channelMap } from '../../shared/crm/zoho/watch';
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
const channels = channelMap(tenant.id, crmConfigOf(zohoSettings, tenant).modules);

const channelTokens = async (): Promise<string[]> =>
  acceptedValues(await secrets().tenantSecrets(), 'zohoChannelToken', 'zohoPreviousChannelToken', 'Zoho CRM');

export const handler = webhookHandler(async (event) => {
  const result = await receiveZohoNotification(
    { headers: headersOf(event), rawBody: rawBodyOf(event) },
    {
      tenantId: tenant.id,
      channels,
      tokens: channelTokens,
      receipts: receipts(),
      deliveries: deliveryMarks(),
      bus: bus(),
      now: clock().now(),
    },
  );
  logger.info('webhook accepted', {
    provider: 'zoho',
    notificationId: result.notificationId,
    module: result.module,
    status: result.status,
    records: result.changes.length,
  });
  countDelivery(result.status);
  return json(200, { status: result.status, records: result.changes.length });
});
