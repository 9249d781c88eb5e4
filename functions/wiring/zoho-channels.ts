/**
 * What the scheduled Zoho channel renewal runs with, from the function's environment: Zoho's connection (the same
 * assembly as sync and reconcile, so one shared access token), its table and the channel token from its secret.
 * The renewal is Zoho's own function (shared/crm/zoho/settings.ts), deployed only for tenants on Zoho.
 */
import { requireSecrets } from '../../shared/config/secrets';
import { crmConfigOf } from '../../shared/crm/provider';
import { connectZoho } from '../../shared/crm/zoho/provider';
import { zohoSettings } from '../../shared/crm/zoho/settings';
import { ZohoChannelRepository } from '../../shared/store/zoho-channels';
import type { ZohoChannelRenewalDeps } from '../../shared/sync/zoho-channels';
import { clock } from './clock';
import { retryingOnce } from './crm-connectors';
import { runtimeEnv } from './env';
import { secrets } from './secrets';
import { documentClient, tableName } from './store';

const connection = retryingOnce(() => {
  const tenant = runtimeEnv().tenant;
  return connectZoho({
    tenant,
    crm: crmConfigOf(zohoSettings, tenant),
    secrets: secrets(),
    tokenTable: { doc: documentClient(), tableName: tableName() },
    now: () => clock().now(),
  });
});

export const zohoChannelRenewalDeps = async (): Promise<ZohoChannelRenewalDeps> => {
  const c = await connection();
  const tenant = runtimeEnv().tenant;
  return {
    tenantId: tenant.id,
    modules: crmConfigOf(zohoSettings, tenant).modules,
    watch: c.zoho.watch,
    channels: new ZohoChannelRepository(documentClient(), tableName()),
    channelToken: async () =>
      requireSecrets(await secrets().tenantSecrets(), ['zohoChannelToken'], 'Zoho notifications')
        .zohoChannelToken,
    now: () => clock().now(),
  };
};
