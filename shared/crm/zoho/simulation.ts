/**
 * Zoho CRM's local simulator factory (operator side, loaded by `npm start` through ./operator.ts): the simulator
 * seeded with demo data, the tenant pointed at it, notification channels enabled through the product's own watch
 * client.
 */
import { type CrmSimulation, sampleOf, stageOf } from '../../../infra/local/crm-simulators';
import { startZohoSimulator, type ZohoSimulator } from '../../../infra/local/simulators/zoho';
import { displayName } from '../../../infra/local/simulators/zoho/store';
import type { TenantConfig } from '../../config/tenant';
import { withChannels } from '../../store/zoho-channels';
import { InMemoryTokenCache } from '../token-cache';
import { createZohoConnector } from './connector';
import type { ZohoConfig } from './settings';
import { generateChannelToken } from './watch';

/** Where workflows write back (tasks, notes, call logs): listed newest first, so a new one is in view. */
const ZOHO_WRITE_BACK = ['Tasks', 'Calls', 'Notes'];

export const simulateZoho = async (
  tenant: TenantConfig & { crm: ZohoConfig },
  now: () => number,
): Promise<CrmSimulation> => {
  const sim: ZohoSimulator = await startZohoSimulator({ now });
  const refreshToken = sim.issueRefreshToken();
  const channelToken = generateChannelToken();
  const crm = { ...tenant.crm, accountsUrl: sim.url, apiBaseUrl: sim.url };
  return {
    provider: 'zoho',
    url: sim.url,
    tenant: { ...tenant, crm },
    secrets: {
      zohoClientId: sim.clientId,
      zohoClientSecret: sim.clientSecret,
      zohoRefreshToken: refreshToken,
      zohoChannelToken: channelToken,
    },
    connect: async (gatewayUrl, channels) => {
      const connector = createZohoConnector({
        tenantId: tenant.id,
        conn: crm,
        clientId: sim.clientId,
        clientSecret: sim.clientSecret,
        refreshToken: async () => refreshToken,
        cache: new InMemoryTokenCache(),
      });
      const notifyUrl = `${gatewayUrl}/webhooks/zoho`;
      const granted = await connector.watch.enable({
        tenantId: tenant.id,
        modules: crm.modules,
        notifyUrl,
        token: channelToken,
      });
      await channels?.put(withChannels({ notifyUrl, channels: {} }, granted, new Date()));
    },
    change: (module, id, values) => sim.changeRecord(module, id, values),
    faults: (f) => {
      if (f.tooManyRequests !== undefined) sim.faults.tooManyRequests = f.tooManyRequests;
      if (f.serverErrors !== undefined) sim.faults.serverErrors = f.serverErrors;
      if (f.slowMs !== undefined) sim.faults.slowMs = f.slowMs;
      if (f.duplicateNotifications !== undefined)
        sim.faults.duplicateNotifications = f.duplicateNotifications;
      if (f.outOfOrderNotifications !== undefined)
        sim.faults.outOfOrderNotifications = f.outOfOrderNotifications;
      if (f.expireTokens) sim.expireAccessTokens();
    },
    flush: async () => (await sim.flushNotifications()).length,
    sample: () =>
      Object.fromEntries(
        [...crm.modules, ...ZOHO_WRITE_BACK.filter((m) => sim.store.has(m) && !crm.modules.includes(m))].map(
          (m) => [
            m,
            sampleOf(
              (sim.store.has(m) ? sim.store.all(m) : []).map((r) => ({ id: r.id, ...r.fields })),
              ZOHO_WRITE_BACK.includes(m),
              (f) => ({ id: String(f.id), name: displayName(f), ...stageOf(f.Stage) }),
            ),
          ],
        ),
      ),
    stop: () => sim.stop(),
  };
};
