/**
 * Fxiaoke's write-back alone: the client assembled from the tenant config, its secrets and the token cache in the
 * tenant's table (one token for every container: the token endpoint allows 10 calls a minute and none concurrent),
 * and the activity writer on it. The functions that only write back connect through this module, so their bundles
 * hold neither the reader, the scanner and its normalizer nor the users source (./provider.ts adds those on the
 * same client for the full connection).
 */
import { requireSecrets } from '../../config/secrets';
import { DynamoTokenCache } from '../../store/token-cache';
import { type CrmConnectorDeps, DEFAULT_CRM_HTTP, defineCrmWriteBack } from '../provider';
import { FxiaokeClient, type FxiaokeToken } from './client';
import type { FxiaokeConfig } from './settings';
import { FxiaokeActivityWriter } from './writer';

type Deps = CrmConnectorDeps & { crm: FxiaokeConfig };

export const fxiaokeClientFor = async (deps: Deps): Promise<FxiaokeClient> => {
  const { crm } = deps;
  const now = deps.now ?? (() => new Date());
  const http = deps.http ?? DEFAULT_CRM_HTTP;
  const { fxiaokeAppId, fxiaokeAppSecret, fxiaokePermanentCode } = requireSecrets(
    await deps.secrets.tenantSecrets(),
    ['fxiaokeAppId', 'fxiaokeAppSecret', 'fxiaokePermanentCode'],
    'Fxiaoke',
  );
  return new FxiaokeClient({
    baseUrl: crm.apiBaseUrl,
    flow: crm.authFlow,
    credentials: {
      appId: fxiaokeAppId,
      appSecret: fxiaokeAppSecret,
      permanentCode: fxiaokePermanentCode,
      userId: crm.apiUserId,
    },
    tokenCache: new DynamoTokenCache<FxiaokeToken>(deps.tokenTable.doc, deps.tokenTable.tableName),
    timeoutMs: http.timeoutMs,
    retry: { attempts: http.attempts, maxDelayMs: http.maxBackoffMs },
    now: () => now().getTime(),
  });
};

export const fxiaokeWriterOn = (client: FxiaokeClient, deps: Deps): FxiaokeActivityWriter =>
  new FxiaokeActivityWriter({
    client,
    opportunityObject: deps.crm.opportunityObject,
    locale: deps.tenant.locale,
    ...(deps.crm.activityKeyField ? { activityKeyField: deps.crm.activityKeyField } : {}),
  });

export const fxiaokeWriteBack = defineCrmWriteBack({
  id: 'fxiaoke',
  connect: async (deps: Deps) => fxiaokeWriterOn(await fxiaokeClientFor(deps), deps),
});

/** The registry's name for this module's write-back (infra/build/crm-providers.ts imports it by convention). */
export { fxiaokeWriteBack as writeBack };
