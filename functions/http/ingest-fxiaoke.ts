import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { requireSecrets } from '../../shared/config/secrets';
import { receiveFxiaokeCallback } from '../../shared/crm/fxiaoke/callback';
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
const crm = tenant.crm;
if (crm.provider !== 'fxiaoke') throw new Error(`tenant ${tenant.id} does not use Fxiaoke`);

const aesKeys = async (): Promise<string[]> => {
  const s = await secrets().tenantSecrets();
  const { fxiaokeCallbackAesKey } = requireSecrets(s, ['fxiaokeCallbackAesKey'], 'Fxiaoke');
  return s.fxiaokeCallbackPreviousAesKey
    ? [fxiaokeCallbackAesKey, s.fxiaokeCallbackPreviousAesKey]
    : [fxiaokeCallbackAesKey];
};

export const handler = httpHandler(async (event) => {
  metrics.addMetric('WebhookReceived', MetricUnit.Count, 1);
  try {
    const result = await receiveFxiaokeCallback(
      { headers: headersOf(event), rawBody: rawBodyOf(event) },
      {
        tenantId: tenant.id,
        aesKeys,
        enterpriseAccount: crm.enterpriseAccount,
        opportunityObject: crm.opportunityObject,
        receipts: receipts(),
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
    metrics.addMetric(
      result.status === 'duplicate' ? 'WebhookDuplicate' : 'WebhookAccepted',
      MetricUnit.Count,
      1,
    );
    // The platform expects HTTP 200 with its encrypted "success" reply, duplicates included.
    return json(200, result.reply);
  } catch (err) {
    if (err instanceof RejectedInputError || err instanceof AuthenticationError) {
      metrics.addMetric('WebhookRejected', MetricUnit.Count, 1);
    }
    throw err;
  }
});
