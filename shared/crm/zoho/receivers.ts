/**
 * What Zoho's receivers authenticate with, from the tenant and its secret: the channel map and channel tokens of
 * the notification route, the shared secret of the workflow-rule route. Used by the descriptor's receivers and by
 * the routes the receiver functions serve (functions/http/ingest-zoho*.ts).
 */
import { acceptedValues, type TenantSecrets } from '../../config/secrets';
import { defineReceiverRoute } from '../../ingest/route';
import { type CrmTenant, crmConfigOf } from '../provider';
import { receiveZohoNotification } from './notifications';
import { type ZohoConfig, zohoSettings } from './settings';
import { channelMap } from './watch';
import { receiveZohoWorkflowWebhook } from './workflow-webhook';

type Secrets = () => Promise<TenantSecrets>;

export const notificationAuth = (tenant: CrmTenant<ZohoConfig>, secrets: Secrets) => ({
  channels: channelMap(tenant.id, tenant.crm.modules),
  tokens: async () =>
    acceptedValues(await secrets(), 'zohoChannelToken', 'zohoPreviousChannelToken', 'Zoho CRM'),
});

export const workflowAuth = (tenant: CrmTenant<ZohoConfig>, secrets: Secrets) => ({
  auth: tenant.crm.workflowWebhook,
  secrets: async () =>
    acceptedValues(
      await secrets(),
      'zohoWorkflowWebhookSecret',
      'zohoWorkflowWebhookPreviousSecret',
      'Zoho workflow webhooks',
    ),
});

const zohoTenant = (tenant: CrmTenant) => ({ ...tenant, crm: crmConfigOf(zohoSettings, tenant) });

/** Both Zoho routes answer 200 with the status and how many records the delivery named, and log as much. */
const zohoOutcome = (
  status: 'accepted' | 'duplicate' | 'ignored',
  records: number,
  log: Record<string, unknown>,
) => ({
  log: { provider: 'zoho', ...log, status, records },
  counted: status,
  statusCode: 200,
  body: { status, records },
});

/** `POST /webhooks/zoho`: a notification channel's deliveries. */
export const notificationRoute = defineReceiverRoute({
  auth: (tenant, secrets) => notificationAuth(zohoTenant(tenant), secrets),
  receive: receiveZohoNotification,
  outcome: (r) =>
    zohoOutcome(r.status, r.changes.length, { notificationId: r.notificationId, module: r.module }),
});

/** `POST /webhooks/zoho/workflow`: a workflow rule's webhook action. */
export const workflowRoute = defineReceiverRoute({
  auth: (tenant, secrets) => workflowAuth(zohoTenant(tenant), secrets),
  receive: receiveZohoWorkflowWebhook,
  outcome: (r) => zohoOutcome(r.status, r.records.length, { route: 'workflow', module: r.module }),
});
