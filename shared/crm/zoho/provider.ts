/**
 * Zoho CRM's descriptor: its settings (./settings.ts) and its connection, assembled from the tenant config, its
 * secrets and the token cache in the tenant's table, so that every container (sync, reconcile, the write-backs, the
 * CLI) shares one access token and one refresh budget.
 */
import { UserRepository } from '../../store/users';
import { ownerDirectory } from '../../sync/crm-users';
import { cachedFor } from '../cached-for';
import { type CrmConnection, type CrmConnectorDeps, defineCrmProvider } from '../provider';
import type { ZohoConnector } from './connector';
import { zohoNotificationStrategy } from './notifications';
import { ZohoReader } from './reader';
import { notificationAuth, workflowAuth } from './receivers';
import { ZohoScanner } from './scanner';
import { type ZohoConfig, zohoSettings } from './settings';
import { ZohoUsers } from './users';
import { ZohoWatch } from './watch';
import { zohoWorkflowStrategy } from './workflow-webhook';
import { zohoApiFor, zohoWriterOn } from './write-back';

/** Stored users change when reconcile runs (every 15 minutes by default): a few minutes' staleness is harmless. */
const PEOPLE_TTL_MS = 5 * 60_000;

export interface ZohoConnection extends CrmConnection {
  zoho: ZohoConnector;
}

export const connectZoho = async (deps: CrmConnectorDeps & { crm: ZohoConfig }): Promise<ZohoConnection> => {
  const { tenant, crm } = deps;
  const now = deps.now ?? (() => new Date());
  const api = await zohoApiFor(deps);
  const zoho: ZohoConnector = { ...api, watch: new ZohoWatch(api.client, () => new Date(now().getTime())) };
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
    writer: zohoWriterOn(zoho, deps),
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
