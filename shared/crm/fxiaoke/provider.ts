/**
 * Fxiaoke's descriptor: its settings (./settings.ts) and its connection, assembled from the tenant config, its
 * secrets and the token cache in the tenant's table (one token for every container: the token endpoint allows 10
 * calls a minute and none concurrent).
 */
import { requireSecrets } from '../../config/secrets';
import { DynamoTokenCache } from '../../store/token-cache';
import { UserRepository } from '../../store/users';
import { type CrmConnection, type CrmConnectorDeps, DEFAULT_CRM_HTTP, defineCrmProvider } from '../provider';
import { fxiaokeStrategy } from './callback';
import { FxiaokeClient, type FxiaokeToken } from './client';
import { FxiaokeDirectory } from './people';
import { FxiaokeReader } from './reader';
import { callbackAuth } from './receivers';
import { FxiaokeScanner } from './scanner';
import { type FxiaokeConfig, fxiaokeSettings } from './settings';
import { FxiaokeUsers } from './users';
import { FxiaokeActivityWriter } from './writer';

export const connectFxiaoke = async (
  deps: CrmConnectorDeps & { crm: FxiaokeConfig },
): Promise<CrmConnection> => {
  const { tenant, crm } = deps;
  const now = deps.now ?? (() => new Date());
  const http = deps.http ?? DEFAULT_CRM_HTTP;
  const { fxiaokeAppId, fxiaokeAppSecret, fxiaokePermanentCode } = requireSecrets(
    await deps.secrets.tenantSecrets(),
    ['fxiaokeAppId', 'fxiaokeAppSecret', 'fxiaokePermanentCode'],
    'Fxiaoke',
  );
  const fxiaoke = new FxiaokeClient({
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
  const normalize = {
    opportunityObject: crm.opportunityObject,
    stages: { won: crm.wonStages, lost: crm.lostStages },
    timeZone: tenant.timeZone,
    currency: tenant.currency,
    fieldMap: crm.fields,
  };
  // Shared by reader and scanner, so owners looked up once serve both.
  const directory = new FxiaokeDirectory(fxiaoke, () => now().getTime());
  return {
    reader: new FxiaokeReader({ client: fxiaoke, directory, normalize }),
    writer: new FxiaokeActivityWriter({
      client: fxiaoke,
      opportunityObject: crm.opportunityObject,
      locale: tenant.locale,
      ...(crm.activityKeyField ? { activityKeyField: crm.activityKeyField } : {}),
    }),
    scanner: new FxiaokeScanner({
      client: fxiaoke,
      directory,
      normalize,
      ...(deps.scanObjects ? { objects: deps.scanObjects } : {}),
    }),
    users: {
      source: new FxiaokeUsers(fxiaoke),
      store: new UserRepository(deps.tokenTable.doc, deps.tokenTable.tableName),
    },
  };
};

export const fxiaokeProvider = defineCrmProvider({
  ...fxiaokeSettings,
  receivers: [
    {
      functionId: 'ingest-fxiaoke',
      strategy: ({ tenant, secrets, now }) => fxiaokeStrategy({ ...callbackAuth(tenant, secrets), now }),
    },
  ],
  connect: connectFxiaoke,
});

/** The registry's name for this module's descriptor (infra/build/crm-providers.ts imports it by convention). */
export { fxiaokeProvider as provider };
