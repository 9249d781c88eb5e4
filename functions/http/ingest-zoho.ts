import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { requireSecrets } from '../../shared/config/secrets';
import { receiveZohoNotification } from '../../shared/crm/zoho/notifications';
import { channelMap } from '../../shared/crm/zoho/watch';
import { AuthenticationError, RejectedInputError } from '../../shared/errors';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import { bus } from '../../shared/runtime/bus';
import { clock } from '../../shared/runtime/clock';
import { runtimeEnv } from '../../shared/runtime/env';
import { secrets } from '../../shared/runtime/secrets';
import { receipts } from '../../shared/runtime/store';
import { headersOf, httpHandler, json, rawBodyOf } from '../middleware/http';

const tenant = runtimeEnv().tenant;
bindTenant(tenant.id);
if (tenant.crm.provider !== 'zoho') throw new Error(`tenant ${tenant.id} does not use Zoho CRM`);
const channels = channelMap(tenant.id, tenant.crm.modules);

const channelTokens = async (): Promise<string[]> => {
  const s = await secrets().tenantSecrets();
  const { zohoChannelToken } = requireSecrets(s, ['zohoChannelToken'], 'Zoho CRM');
  return s.zohoPreviousChannelToken ? [zohoChannelToken, s.zohoPreviousChannelToken] : [zohoChannelToken];
};

export const handler = httpHandler(async (event) => {
  metrics.addMetric('WebhookReceived', MetricUnit.Count, 1);
  try {
    const result = await receiveZohoNotification(
      { headers: headersOf(event), rawBody: rawBodyOf(event) },
      {
        tenantId: tenant.id,
        channels,
        tokens: channelTokens,
        receipts: receipts(),
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
    metrics.addMetric(
      result.status === 'duplicate' ? 'WebhookDuplicate' : 'WebhookAccepted',
      MetricUnit.Count,
      1,
    );
    return json(200, { status: result.status, records: result.changes.length });
  } catch (err) {
    if (err instanceof RejectedInputError || err instanceof AuthenticationError) {
      metrics.addMetric('WebhookRejected', MetricUnit.Count, 1);
    }
    throw err;
  }
});
