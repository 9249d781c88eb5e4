/**
 * What Fxiaoke's callback receiver authenticates with, from the tenant and its secret: the AES keys (the current
 * one and, during a key change, the previous one) and the enterprise account. Used by the descriptor's receiver and
 * by the route the receiver function serves (functions/http/ingest-fxiaoke.ts) alike.
 */
import { acceptedValues, type TenantSecrets } from '../../config/secrets';
import { defineReceiverRoute } from '../../ingest/route';
import { type CrmTenant, crmConfigOf } from '../provider';
import { receiveFxiaokeCallback } from './callback';
import { type FxiaokeConfig, fxiaokeSettings } from './settings';

export const callbackAuth = (tenant: CrmTenant<FxiaokeConfig>, secrets: () => Promise<TenantSecrets>) => ({
  aesKeys: async () =>
    acceptedValues(await secrets(), 'fxiaokeCallbackAesKey', 'fxiaokeCallbackPreviousAesKey', 'Fxiaoke'),
  enterpriseAccount: tenant.crm.enterpriseAccount,
  opportunityObject: tenant.crm.opportunityObject,
});

/** `POST /webhooks/fxiaoke`: the data-change callback. */
export const callbackRoute = defineReceiverRoute({
  auth: (tenant, secrets) => callbackAuth({ ...tenant, crm: crmConfigOf(fxiaokeSettings, tenant) }, secrets),
  receive: receiveFxiaokeCallback,
  outcome: (result) => ({
    log: {
      provider: 'fxiaoke',
      deliveryId: result.deliveryId,
      apiName: result.apiName,
      status: result.status,
    },
    counted: result.status,
    ...(result.correlationId ? { correlationId: result.correlationId } : {}),
    // The platform expects HTTP 200 with its encrypted "success" reply, duplicates included.
    statusCode: 200,
    body: result.reply,
  }),
});
