/**
 * What Fxiaoke's callback receiver authenticates with, from the tenant and its secret: the AES keys (the current
 * one and, during a key change, the previous one) and the enterprise account. Used by the descriptor's receiver and
 * by the receiver function (functions/http/ingest-fxiaoke.ts) alike.
 */
import { acceptedValues, type TenantSecrets } from '../../config/secrets';
import type { CrmTenant } from '../provider';
import type { FxiaokeConfig } from './settings';

export const callbackAuth = (tenant: CrmTenant<FxiaokeConfig>, secrets: () => Promise<TenantSecrets>) => ({
  aesKeys: async () =>
    acceptedValues(await secrets(), 'fxiaokeCallbackAesKey', 'fxiaokeCallbackPreviousAesKey', 'Fxiaoke'),
  enterpriseAccount: tenant.crm.enterpriseAccount,
  opportunityObject: tenant.crm.opportunityObject,
});
