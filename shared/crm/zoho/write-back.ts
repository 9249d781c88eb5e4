/**
 * Zoho CRM's write-back alone: the API (OAuth, client, records) assembled from the tenant config, its secrets and
 * the token cache in the tenant's table, and the activity writer on it. The functions that only write back (the
 * workflow runner, scheduled steps, effect recovery) connect through this module, so their bundles hold neither the
 * reader, the scanner and its normalizer, the users source nor the notification channels (./provider.ts adds those
 * on the same API for the full connection).
 */
import { requireSecrets } from '../../config/secrets';
import { DynamoTokenCache } from '../../store/token-cache';
import { createHttpClient } from '../http';
import { type CrmConnectorDeps, DEFAULT_CRM_HTTP, defineCrmWriteBack } from '../provider';
import { createZohoApi, type ZohoApi } from './connector';
import type { CachedToken } from './oauth';
import type { ZohoConfig } from './settings';
import { ZohoActivityWriter } from './writer';

type Deps = CrmConnectorDeps & { crm: ZohoConfig };

/** OAuth, client and records for the tenant, on the token cache every container shares. */
export const zohoApiFor = async (deps: Deps): Promise<ZohoApi> => {
  const { tenant, crm } = deps;
  const now = deps.now ?? (() => new Date());
  const http = deps.http ?? DEFAULT_CRM_HTTP;
  const { zohoClientId, zohoClientSecret } = requireSecrets(
    await deps.secrets.tenantSecrets(),
    ['zohoClientId', 'zohoClientSecret', 'zohoRefreshToken'],
    'Zoho CRM',
  );
  return createZohoApi({
    tenantId: tenant.id,
    conn: crm,
    clientId: zohoClientId,
    clientSecret: zohoClientSecret,
    // Read at refresh time, so a reconnect (new refresh token) takes effect without a cold start.
    refreshToken: async () =>
      requireSecrets(await deps.secrets.tenantSecrets(), ['zohoRefreshToken'], 'Zoho CRM').zohoRefreshToken,
    cache: new DynamoTokenCache<CachedToken>(deps.tokenTable.doc, deps.tokenTable.tableName),
    http: createHttpClient({ timeout: http.timeoutMs }),
    now: () => now().getTime(),
    client: { retry: { attempts: http.attempts, maxMs: http.maxBackoffMs } },
  });
};

export const zohoWriterOn = (api: ZohoApi, deps: Deps): ZohoActivityWriter =>
  new ZohoActivityWriter({
    records: api.records,
    apiVersion: api.client.apiVersion,
    timeZone: deps.tenant.timeZone,
    ...(deps.crm.activityKeyField ? { activityKeyField: deps.crm.activityKeyField } : {}),
    now: deps.now ?? (() => new Date()),
  });

export const zohoWriteBack = defineCrmWriteBack({
  id: 'zoho',
  connect: async (deps: Deps) => zohoWriterOn(await zohoApiFor(deps), deps),
});

/** The registry's name for this module's write-back (infra/build/crm-providers.ts imports it by convention). */
export { zohoWriteBack as writeBack };
