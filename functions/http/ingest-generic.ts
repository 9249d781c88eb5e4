import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { genericWebhookSecrets } from '../../shared/config/secrets';
import { AuthenticationError, RejectedInputError } from '../../shared/errors';
import { receiveGenericWebhook } from '../../shared/ingest/generic-webhook';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import { bus } from '../../shared/runtime/bus';
import { clock } from '../../shared/runtime/clock';
import { runtimeEnv } from '../../shared/runtime/env';
import { secrets } from '../../shared/runtime/secrets';
import { receipts } from '../../shared/runtime/store';
import { headersOf, httpHandler, json, rawBodyOf } from '../middleware/http';

const tenant = runtimeEnv().tenant;
bindTenant(tenant.id);

export const handler = httpHandler(async (event) => {
  metrics.addMetric('WebhookReceived', MetricUnit.Count, 1);
  try {
    const result = await receiveGenericWebhook(
      { headers: headersOf(event), rawBody: rawBodyOf(event) },
      {
        tenantId: tenant.id,
        signingSecrets: async () => genericWebhookSecrets(await secrets().tenantSecrets()),
        receipts: receipts(),
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
    metrics.addMetric(
      result.status === 'duplicate' ? 'WebhookDuplicate' : 'WebhookAccepted',
      MetricUnit.Count,
      1,
    );
    return json(result.status === 'duplicate' ? 200 : 202, result);
  } catch (err) {
    if (err instanceof RejectedInputError || err instanceof AuthenticationError) {
      metrics.addMetric('WebhookRejected', MetricUnit.Count, 1);
    }
    throw err;
  }
});
