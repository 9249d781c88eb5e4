/**
 * Zoho CRM's descriptor: its settings (./settings.ts) and its connection, assembled from the tenant config, its
 * secrets and the token cache in the tenant's table, so that every container (sync, reconcile, the write-backs, the
 * CLI) shares one access token and one refresh budget.
 */
import { requireSecrets } from '../../config/secrets';
import { DynamoTokenCache } from '../../store/token-cache';
import { UserRepository } from '../../store/users';
import { ownerDirectory } from '../../sync/crm-users';
import { cachedFor } from '../cached-for';
import { createHttpClient } from '../http';
import { type CrmConnection, type CrmConnectorDeps, DEFAULT_CRM_HTTP, defineCrmProvider } from '../provider';
import { createZohoConnector, type ZohoConnector } from './connector';
import { zohoNotificationStrategy } from './notifications';
import type { CachedToken } from './oauth';
import { ZohoReader } from './reader';
import { notificationAuth, workflowAuth } from './receivers';
import { ZohoScanner } from './scanner';
import { type ZohoConfig, zohoSettings } from './settings';
import { ZohoUsers } from './users';
import { zohoWorkflowStrategy } from './workflow-webhook';
import { ZohoActivityWriter } from './writer';

/** Stored users change when reconcile runs (every 15 minutes by default): a few minutes' staleness is harmless. */
const PEOPLE_TTL_MS = 5 * 60_000;

export interface ZohoConnection extends CrmConnection {
  zoho: ZohoConnector;
}

export const connectZoho = async (deps: CrmConnectorDeps & { crm: ZohoConfig }): Promise<ZohoConnection> => {
  const { tenant, crm } = deps;
  const now = deps.now ?? (() => new Date());
  const http = deps.http ?? DEFAULT_CRM_HTTP;
  const s = await deps.secrets.tenantSecrets();
  const { zohoClientId, zohoClientSecret } = requireSecrets(
    s,
    ['zohoClientId', 'zohoClientSecret', 'zohoRefreshToken'],
    'Zoho CRM',
  );
  const zoho = createZohoConnector({
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
  const normalize = {
    wonStages: crm.wonStages,
    lostStages: crm.lostStages,
    defaultCurrency: tenant.currency,
    fieldMap: crm.fields,
  };
  const userStore = new UserRepository(deps.tokenTable.doc, deps.tokenTable.tableName);
  // Owner id → owner and manager emails from the stored users, re-read at most every few minutes.
  const people = cachedFor(PEOPLE_TTL_MS, now, async () => ownerDirectory(await userStore.all()));
  return {
    zoho,
    reader: new ZohoReader({ records: zoho.records, modules: crm.modules, normalize, people, now }),
    writer: new ZohoActivityWriter({
      records: zoho.records,
      apiVersion: zoho.client.apiVersion,
      timeZone: tenant.timeZone,
      ...(crm.activityKeyField ? { activityKeyField: crm.activityKeyField } : {}),
      now,
    }),
    scanner: new ZohoScanner({
      client: zoho.client,
      records: zoho.records,
      modules: crm.modules,
      normalize,
      people,
      now,
    }),
    users: { source: new ZohoUsers(zoho.client), store: userStore },
  };
};

export const zohoProvider = defineCrmProvider({
  ...zohoSettings,
  receivers: [
    {
      functionId: 'ingest-zoho',
      strategy: ({ tenant, secrets, now }) =>
        zohoNotificationStrategy({ ...notificationAuth(tenant, secrets), now }),
    },
    {
      functionId: 'ingest-zoho-workflow',
      strategy: ({ tenant, secrets, now }) => zohoWorkflowStrategy({ ...workflowAuth(tenant, secrets), now }),
    },
  ],
  connect: connectZoho,
});

/** The registry's name for this module's descriptor (infra/build/crm-providers.ts imports it by convention). */
export { zohoProvider as provider };
