/**
 * The one body of every webhook receiver function (ingest-*.ts, each naming its route): the tenant from the
 * environment, what the route authenticates with built once per container, then per request the route's receive
 * function over the one ingest pipeline with the receipts, delivery marks, bus and clock of the Lambda root, the
 * "webhook accepted" log line, the delivery counted, and the route's answer.
 */
import type { ReceiverRoute } from '../../shared/ingest/route';
import { bindTenant, logger } from '../../shared/observability/logger';
import { countDelivery, headersOf, json, rawBodyOf, webhookHandler } from '../middleware/http';
import { bus } from '../wiring/bus';
import { clock } from '../wiring/clock';
import { runtimeEnv } from '../wiring/env';
import { secrets } from '../wiring/secrets';
import { receipts, records } from '../wiring/store';
import { deliveryMarks } from '../wiring/watch';

export const receiverHandler = <Auth, Result>(route: ReceiverRoute<Auth, Result>) => {
  const tenant = runtimeEnv().tenant;
  bindTenant(tenant.id);
  const auth = route.auth(tenant, () => secrets().tenantSecrets());
  return webhookHandler(async (event) => {
    const result = await route.receive(
      { headers: headersOf(event), query: event.queryStringParameters ?? {}, rawBody: rawBodyOf(event) },
      {
        tenantId: tenant.id,
        ...auth,
        receipts: receipts(),
        records: records(),
        deliveries: deliveryMarks(),
        bus: bus(),
        now: clock().now(),
      },
    );
    const outcome = route.outcome(result);
    if (outcome.correlationId) logger.setCorrelationId(outcome.correlationId);
    logger.info('webhook accepted', outcome.log);
    if (outcome.counted) countDelivery(outcome.counted);
    return json(outcome.statusCode, outcome.body);
  });
};
