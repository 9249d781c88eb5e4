import { crmConfigOf } from '../../shared/crm/provider';
import { workflowAuth } from '../../shared/crm/zoho/receivers';
import { zohoSettings } from '../../shared/crm/zoho/settings';
import { receiveZohoWorkflowWebhook } from '../../shared/crm/zoho/workflow-webhook';
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
