/**
 * Fxiaoke's local simulator factory (operator side, loaded by `npm start` through ./operator.ts): the simulator
 * seeded with demo data, the tenant pointed at it, the callback subscribed to the gateway.
 */
import { randomBytes } from 'node:crypto';
import { type CrmSimulation, sampleOf, stageOf } from '../../../infra/local/crm-simulators';
import {
  type FxiaokeSimulator,
  SIM_APP,
  startFxiaokeSimulator,
} from '../../../infra/local/simulators/fxiaoke';
import type { TenantConfig } from '../../config/tenant';
import type { FxiaokeConfig } from './settings';

/** Where workflows write back (follow-up records): listed newest first, so a new one is in view. */
const FXIAOKE_WRITE_BACK = 'ActiveRecordObj';

export const simulateFxiaoke = async (
  tenant: TenantConfig & { crm: FxiaokeConfig },
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
