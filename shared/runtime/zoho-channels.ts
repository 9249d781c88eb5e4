/**
 * What the scheduled Zoho channel renewal runs with, from the function's environment: the tenant's connector (the
 * same assembly as sync and reconcile, so one shared access token), its table and the channel token from its secret.
 * Undefined for tenants not on Zoho.
 */
import { requireSecrets } from '../config/secrets';
import { ZohoChannelRepository } from '../store/zoho-channels';
import type { ZohoChannelRenewalDeps } from '../sync/zoho-channels';
import { clock } from './clock';
import { connectCrm, retryingOnce } from './crm-connectors';
import { runtimeEnv } from './env';
import { secrets } from './secrets';
import { documentClient, tableName } from './store';

const connection = retryingOnce(() =>
  connectCrm({
    tenant: runtimeEnv().tenant,
    secrets: secrets(),
    tokenTable: { doc: documentClient(), tableName: tableName() },
    now: () => clock().now(),
  }),
);

export const zohoChannelRenewalDeps = async (): Promise<ZohoChannelRenewalDeps | undefined> => {
  const c = await connection();
  if (c?.provider !== 'zoho') return undefined;
  return {
    tenantId: c.tenant.id,
    modules: c.crm.modules,
    watch: c.zoho.watch,
    channels: new ZohoChannelRepository(documentClient(), tableName()),
    channelToken: async () =>
      requireSecrets(await secrets().tenantSecrets(), ['zohoChannelToken'], 'Zoho notifications')
        .zohoChannelToken,
    now: () => clock().now(),
  };
};
