/**
 * For tenants on Zoho CRM or Fxiaoke, `npm start` runs the matching simulator (seeded with demo data) and points the
 * tenant at it: base URLs go to the simulator, the credentials the admin's connect step would store go into the local
 * Secrets Manager, and the receiver is subscribed (Zoho: notification channels enabled through the product's own
 * watch client; Fxiaoke: the callback URL and key). `POST /_local/crm/change` then changes a record as a user would,
 * so a person can watch the change flow through.
 */

import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { TenantSecrets } from '../../shared/config/secrets';
import type { TenantConfig } from '../../shared/config/tenant';
import { createZohoConnector } from '../../shared/crm/zoho/connector';
import { InMemoryTokenCache } from '../../shared/crm/token-cache';
import { generateChannelToken } from '../../shared/crm/zoho/watch';
import { withChannels, type ZohoChannelRepository } from '../../shared/store/zoho-channels';
import { type FxiaokeSimulator, SIM_APP, startFxiaokeSimulator } from './simulators/fxiaoke';
import { startZohoSimulator, type ZohoSimulator } from './simulators/zoho';
import { displayName } from './simulators/zoho/store';

export interface CrmSimulation {
  provider: 'zoho' | 'fxiaoke';
  url: string;
  /** The tenant as the functions see it: CRM base URLs pointed at the simulator. */
  tenant: TenantConfig;
  secrets: Partial<TenantSecrets>;
  /** Subscribes the gateway's receiver once it listens. */
  /** `channels` records enabled Zoho channels as `quotaflow connect zoho` does, so scheduled renewal finds them. */
  connect(gatewayUrl: string, channels?: ZohoChannelRepository): Promise<void>;
  /** Changes one record (module or object name, id, field values) and delivers the notification. */
  change(target: string, id: string, values: Record<string, unknown>): Promise<unknown>;
  /** A few records per module/object, for a person choosing what to change, and the newest activities written back. */
  sample(): Record<string, SampleRecord[]>;
  /** Switches faults on for a person trying the failure modes from `npm start` (POST /_local/crm/faults). */
  faults(f: LocalFaults): void;
  /** Delivers the notifications held back by `outOfOrder`, newest first. */
  flush(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The faults a person can switch on in the running simulator; the same for both CRMs. Counts apply to the next
 * API calls; the flags stay until turned off.
 */
export const localFaultsSchema = z.strictObject({
  tooManyRequests: z.optional(z.int().min(0).max(100)),
  serverErrors: z.optional(z.int().min(0).max(100)),
  slowMs: z.optional(z.int().min(0).max(60_000)),
  expireTokens: z.optional(z.literal(true)),
  duplicateNotifications: z.optional(z.boolean()),
  outOfOrderNotifications: z.optional(z.boolean()),
});
export type LocalFaults = z.infer<typeof localFaultsSchema>;

export interface SampleRecord {
  id: string;
  name: string;
  /** Deals: the stage (Zoho `Stage`, Fxiaoke `sales_stage`), the field a person changes to win or lose one. */
  stage?: string;
}

const SAMPLE_SIZE = 8;
/** Where workflows write back (tasks, notes, call logs): listed newest first, so a new one is in view. */
const ZOHO_WRITE_BACK = ['Tasks', 'Calls', 'Notes'];
const FXIAOKE_WRITE_BACK = 'ActiveRecordObj';

const sampleOf = (
  records: readonly Record<string, unknown>[],
  newest: boolean,
  pick: (r: Record<string, unknown>) => SampleRecord,
): SampleRecord[] =>
  (newest ? records.slice(-SAMPLE_SIZE).reverse() : records.slice(0, SAMPLE_SIZE)).map(pick);

const stageOf = (v: unknown): { stage?: string } => (typeof v === 'string' && v !== '' ? { stage: v } : {});

const zoho = async (
  tenant: TenantConfig & { crm: { provider: 'zoho' } },
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

const fxiaoke = async (
  tenant: TenantConfig & { crm: { provider: 'fxiaoke' } },
  now: () => number,
): Promise<CrmSimulation> => {
  const sim: FxiaokeSimulator = await startFxiaokeSimulator({ now });
  const aesKey = randomBytes(32).toString('base64');
  const crm = {
    ...tenant.crm,
    apiBaseUrl: sim.url,
    enterpriseAccount: SIM_APP.ea,
    apiUserId: SIM_APP.userId,
  };
  return {
    provider: 'fxiaoke',
    url: sim.url,
    tenant: { ...tenant, crm },
    secrets: {
      fxiaokeAppId: SIM_APP.appId,
      fxiaokeAppSecret: SIM_APP.appSecret,
      fxiaokePermanentCode: SIM_APP.permanentCode,
      fxiaokeCallbackAesKey: aesKey,
    },
    connect: async (gatewayUrl) => sim.subscribe({ url: `${gatewayUrl}/webhooks/fxiaoke`, aesKey }),
    change: (apiName, id, values) => sim.changeRecord(apiName, id, values),
    faults: (f) => {
      if (f.tooManyRequests)
        sim.inject({ kind: 'http', status: 429, times: f.tooManyRequests, retryAfterSeconds: 1 });
      if (f.serverErrors) sim.inject({ kind: 'http', status: 500, times: f.serverErrors });
      if (f.slowMs) sim.inject({ kind: 'slow', delayMs: f.slowMs, times: 1_000_000 });
      if (f.slowMs === 0) sim.faults.queue = (sim.faults.queue ?? []).filter((q) => q.kind !== 'slow');
      sim.faults.callbacks ??= {};
      const callbacks = sim.faults.callbacks;
      if (f.duplicateNotifications !== undefined) callbacks.duplicate = f.duplicateNotifications;
      if (f.outOfOrderNotifications !== undefined) callbacks.outOfOrder = f.outOfOrderNotifications;
      if (f.expireTokens) sim.expireTokens();
    },
    flush: async () => (await sim.flushCallbacks()).length,
    sample: () =>
      Object.fromEntries(
        sim.records.objects().map((o) => [
          o,
          sampleOf(sim.records.list(o), o === FXIAOKE_WRITE_BACK, (r) => ({
            id: String(r._id),
            // Follow-up records have no name: their content is what a person recognises.
            name: String(
              r.name ?? (typeof r.active_record_content === 'string' ? r.active_record_content : ''),
            ),
            ...stageOf(r.sales_stage),
          })),
        ]),
      ),
    stop: () => sim.stop(),
  };
};

/** The simulator for the tenant's CRM, or undefined for the generic webhook (nothing to simulate). */
export const startCrmSimulation = async (
  tenant: TenantConfig,
  now: () => number = Date.now,
): Promise<CrmSimulation | undefined> => {
  if (tenant.crm.provider === 'zoho')
    return zoho(tenant as TenantConfig & { crm: { provider: 'zoho' } }, now);
  if (tenant.crm.provider === 'fxiaoke')
    return fxiaoke(tenant as TenantConfig & { crm: { provider: 'fxiaoke' } }, now);
  return undefined;
};
