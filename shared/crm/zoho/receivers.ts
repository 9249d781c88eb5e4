/**
 * What Zoho's receivers authenticate with, from the tenant and its secret: the channel map and channel tokens of
 * the notification route, the shared secret of the workflow-rule route. Used by the descriptor's receivers and by
 * the receiver functions alike (functions/http/ingest-zoho*.ts).
 */
import { acceptedValues, type TenantSecrets } from '../../config/secrets';
import type { CrmTenant } from '../provider';
import type { ZohoConfig } from './settings';
import { channelMap } from './watch';

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
