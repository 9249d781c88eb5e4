import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { unsubscribeKeys } from '../../shared/config/secrets';
import { suppressAndAnnounce } from '../../shared/mail/suppress';
import { handleUnsubscribe, maskAddress } from '../../shared/mail/unsubscribe-endpoint';
import { bindTenant, logger, metrics } from '../../shared/observability/logger';
import { headersOf, httpHandler, rawBodyOf } from '../middleware/http';
import { bus } from '../wiring/bus';
import { runtimeEnv } from '../wiring/env';
import { secrets } from '../wiring/secrets';
import { suppression } from '../wiring/suppression';

const tenant = runtimeEnv().tenant;
bindTenant(tenant.id);

export const handler = httpHandler(async (event) => {
  const result = await handleUnsubscribe(
    {
      method: event.requestContext.http.method,
      query: event.queryStringParameters ?? {},
      contentType: headersOf(event)['content-type'],
      body: rawBodyOf(event).toString(),
    },
    {
      tenant,
      keys: async () => unsubscribeKeys(await secrets().tenantSecrets()),
      isSuppressed: (address) => suppression().isSuppressed(address),
      unsubscribe: (address) =>
        suppressAndAnnounce(
          { tenantId: tenant.id, suppression: suppression(), bus: bus() },
          address,
          'unsubscribed',
          {
            source: 'unsubscribe-link',
            correlationId: event.requestContext.requestId,
          },
        ),
    },
  );
  metrics.addMetric('UnsubscribeRequest', MetricUnit.Count, 1);
  if (result.outcome === 'unsubscribed') metrics.addMetric('Unsubscribed', MetricUnit.Count, 1);
  const address = event.queryStringParameters?.address;
  logger.info('unsubscribe request', {
    method: event.requestContext.http.method,
    outcome: result.outcome,
    ...(address ? { address: maskAddress(address) } : {}),
  });
  return {
    statusCode: result.statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // The link carries its token: keep it out of Referer headers, search indexes and framing pages.
      'referrer-policy': 'no-referrer',
      'x-robots-tag': 'noindex',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    },
    body: result.html,
  };
});
