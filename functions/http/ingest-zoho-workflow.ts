import { crmConfigOf } from '../../shared/crm/provider';
import { workflowAuth } from '../../shared/crm/zoho/receivers';
import { zohoSettings } from '../../shared/crm/zoho/settings';
import { receiveZohoWorkflowWebhook } from '../../shared/crm/zoho/workflow-webhook';
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
const auth = workflowAuth({ ...tenant, crm: crmConfigOf(zohoSettings, tenant) }, () =>
  secrets().tenantSecrets(),
);

export const handler = webhookHandler(async (event) => {
  const result = await receiveZohoWorkflowWebhook(
    { headers: headersOf(event), query: event.queryStringParameters ?? {}, rawBody: rawBodyOf(event) },
    {
      tenantId: tenant.id,
      ...auth,
      receipts: receipts(),
      deliveries: deliveryMarks(),
      bus: bus(),
      now: clock().now(),
    },
  );
  logger.info('webhook accepted', {
    provider: 'zoho',
    route: 'workflow',
    module: result.module,
    status: result.status,
    records: result.records.length,
  });
  countDelivery(result.status);
  return json(200, { status: result.status, records: result.records.length });
});
